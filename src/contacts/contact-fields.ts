import { normaliseEmail } from './email.js';
import { toE164 } from './phone.js';

/**
 * The one field ↔ column map of a contact: each field a client writes (and a purpose may list in `dataCategories`
 * for disclosure), as the API names it, with the `contacts` column that stores it. A field whose column does not
 * exist (yet) is simply absent from disclosed data.
 */
export const CONTACT_FIELDS: Readonly<Record<string, string>> = {
  givenName: 'given_name',
  familyName: 'family_name',
  emails: 'emails',
  phones: 'phones',
  organisationId: 'organisation_id',
  jobTitle: 'job_title',
  tags: 'tags',
  notes: 'notes',
  ownerId: 'owner_id',
  preferredLanguage: 'preferred_language',
  socialProfiles: 'social_profiles',
  keyDates: 'key_dates',
};
export const CONTACT_FIELD_NAMES = Object.keys(CONTACT_FIELDS);

const asRecords = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);

/** A field's value as the contacts API shows it (disclosures too), from the row's raw column value. */
export function contactFieldValue(field: string, raw: unknown): unknown {
  switch (field) {
    case 'emails':
      return asRecords(raw).map((e) => ({ address: e.address, label: e.label ?? null }));
    case 'phones':
      return asRecords(raw).map((p) => ({ number: p.number, label: p.label ?? null }));
    case 'tags':
      return raw ?? [];
    case 'keyDates':
      return asRecords(raw).map((k) => ({ kind: k.kind, date: k.date, label: k.label ?? null }));
    default:
      return raw ?? null;
  }
}

export interface EmailEntry {
  address: string;
  label?: string | null;
}
export interface PhoneEntry {
  number: string;
  label?: string | null;
}

const label = (l: string | null | undefined) => (l && l.trim() ? l.trim() : null);

/** Lower-cased, trimmed, one entry per address (the first label wins). */
export function normaliseEmails(
  list: EmailEntry[] | undefined | null,
): { address: string; label: string | null }[] {
  const out = new Map<string, { address: string; label: string | null }>();
  for (const e of list ?? []) {
    const address = normaliseEmail(e.address);
    if (!address) continue;
    const prev = out.get(address);
    if (!prev) out.set(address, { address, label: label(e.label) });
    else if (!prev.label) prev.label = label(e.label);
  }
  return [...out.values()];
}

/** E.164, one entry per number; throws on a number that is not one (DTO validation catches that first). */
export function normalisePhones(
  list: PhoneEntry[] | undefined | null,
): { number: string; label: string | null }[] {
  const out = new Map<string, { number: string; label: string | null }>();
  for (const p of list ?? []) {
    const number = toE164(p.number);
    if (!number) throw new Error(`not a phone number`);
    const prev = out.get(number);
    if (!prev) out.set(number, { number, label: label(p.label) });
    else if (!prev.label) prev.label = label(p.label);
  }
  return [...out.values()];
}

/** Union of two lists, the first's order and entries first. */
export function unionBy<T>(a: T[], b: T[], key: (t: T) => string): T[] {
  const seen = new Set(a.map(key));
  return [...a, ...b.filter((x) => !seen.has(key(x)) && seen.add(key(x)))];
}
