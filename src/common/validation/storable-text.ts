import type { FieldError } from '../errors/domain.error.js';

/** A UTF-16 surrogate without its partner: no Unicode character, so not valid UTF-8 text nor a valid jsonb string. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why PostgreSQL would refuse a string (`text` and `jsonb` reject NUL; `jsonb` rejects lone surrogates), or undefined. */
function refusal(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain NUL characters (\\u0000)';
  if (LONE_SURROGATE.test(s)) return 'must be well-formed Unicode text (it holds a lone surrogate)';
  return undefined;
}

/** A key as it can be shown in a field path: NUL and lone surrogates escaped, like JSON writes them. */
const printable = (key: string) => JSON.stringify(key).slice(1, -1);
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** A parsed object (JSON, or a query object, which may have an unusual prototype); binary data is not text. */
const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer);

/** Any NUL or surrogate at all: only a string holding one needs the exact check ({@link refusal}). */
// eslint-disable-next-line no-control-regex -- NUL is what it looks for
const SUSPECT = /[\u0000\ud800-\udfff]/;

/**
 * True when no string in the value (nor any object key) holds a NUL or a surrogate, found without building field
 * paths: the common case, checked on every request before {@link unstorableText} names the fields.
 */
export function plainlyStorable(value: unknown): boolean {
  if (typeof value === 'string') return !SUSPECT.test(value);
  if (!isRecord(value)) return true;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (SUSPECT.test(v)) return false;
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push(v[i]);
    } else if (isRecord(v)) {
      for (const k in v) {
        if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
        if (SUSPECT.test(k)) return false;
        stack.push(v[k]);
      }
    }
  }
  return true;
}

/**
 * The fields of an incoming value (a parsed JSON body, a query or path parameters, a raw text body) holding text
 * PostgreSQL cannot store: a NUL character, or malformed UTF-16. Such text would otherwise reach the database,
 * which refuses it mid-transaction (a 500). Object keys count too (free-form objects such as consent evidence are
 * stored as jsonb). Paths are written like the validation errors': `emails.0.label`; a value that is itself a
 * string is reported under `root`. Stops after `limit` findings; iterative, so deep nesting cannot overflow the stack.
 */
export function unstorableText(value: unknown, root: string, limit = 20): FieldError[] {
  const out: FieldError[] = [];
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0 && out.length < limit) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const why = refusal(v);
      const field = path || root;
      if (why) out.push({ field, message: `${field} ${why}` });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], join(path, String(i))]);
    } else if (isRecord(v)) {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i];
        const field = join(path, printable(k));
        const why = refusal(k);
        if (why) out.push({ field, message: `${field}: the field name ${why}` });
        else stack.push([child, field]);
      }
    }
  }
  return out;
}
