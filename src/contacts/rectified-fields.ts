import { CONTACT_FIELD_NAMES } from './contact-fields.js';

/** Internal bookkeeping, not the person's data: a change is not a rectification (Art. 16/19). */
const NOT_PERSONAL = new Set(['tags', 'ownerId']);

/**
 * The names of the personal fields whose value differs between two views of a contact (as the API shows it), for
 * `contact.rectified` (issue 12: only recipients disclosed one of them are told, and only the names).
 */
export function rectifiedFields(before: object, after: object): string[] {
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  return CONTACT_FIELD_NAMES.filter((f) => !NOT_PERSONAL.has(f) && JSON.stringify(b[f] ?? null) !== JSON.stringify(a[f] ?? null));
}
