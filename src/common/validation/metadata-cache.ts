import { getMetadataStorage } from 'class-validator';

type Storage = ReturnType<typeof getMetadataStorage>;
type Metadatas = ReturnType<Storage['getTargetValidationMetadatas']>;
type Grouped = ReturnType<Storage['groupByPropertyName']>;

const INSTALLED = Symbol.for('rapport.classValidatorMetadataCache');

/**
 * class-validator looks up a DTO's rules on every `validate()` by walking every registered DTO class (an
 * `instanceof` per class, for inheritance) and grouping the result by property: with the app's few hundred DTOs
 * this was the largest single cost of validating a route parameter or query (about 2 % of a consent check).
 * The rules only change when decorators register new ones (at import time), so both answers are memoised per
 * arguments and the memo is dropped whenever anything is registered. The answers are the library's own,
 * unchanged; nothing else of the library is touched. Installed once per process (the storage is global).
 */
export function cacheValidationMetadata(storage: Storage = getMetadataStorage()): void {
  const s = storage as Storage & { [INSTALLED]?: true };
  if (s[INSTALLED]) return;
  s[INSTALLED] = true;

  let targets = new Map<unknown, Map<string, Metadatas>>();
  let grouped = new WeakMap<Metadatas, Grouped>();
  const clear = () => {
    targets = new Map();
    grouped = new WeakMap();
  };

  const lookup = s.getTargetValidationMetadatas.bind(s);
  s.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups ? groups.join('\u0001') : '-'}`;
    let perTarget = targets.get(target);
    if (!perTarget) targets.set(target, (perTarget = new Map()));
    let hit = perTarget.get(key);
    if (!hit) {
      hit = lookup(target, schema, always, strictGroups, groups);
      perTarget.set(key, hit);
    }
    return hit;
  };
  const group = s.groupByPropertyName.bind(s);
  s.groupByPropertyName = (metadatas) => {
    let hit = grouped.get(metadatas);
    if (!hit) {
      hit = group(metadatas);
      grouped.set(metadatas, hit);
    }
    return hit;
  };
  for (const method of ['addValidationSchema', 'addValidationMetadata', 'addConstraintMetadata'] as const) {
    const register = (s[method] as (arg: unknown) => void).bind(s);
    (s as unknown as Record<string, (arg: unknown) => void>)[method] = (arg: unknown) => {
      register(arg);
      clear();
    };
  }
}
