import { CONTACT_FIELDS, unionBy } from './contact-fields.js';
import { ContactRow, toContactResponse } from './contact.mapper.js';
import type { ContactRecord } from './contacts.repository.js';
import { LANGUAGE_TAG } from './dto/create-contact.dto.js';
import { isEmail, normaliseEmail } from './email.js';
import { ImportRecord, splitFullName } from './import-record.js';
import { toE164 } from './phone.js';

/**
 * The rows of a contact import: validation of one record read from CSV or vCard (import-source.ts, vcard.ts), and
 * the record ↔ stored contact mapping the import writes through ContactsRepository. The rules are the import's own
 * (its reasons and limits are the documented rejection reasons, e.g. no cap on the number of addresses a card may
 * list), not the create DTO's.
 */

/** A row that passed validation, in stored form: names present, addresses and numbers normalised with labels. */
export interface ValidRow extends Omit<ImportRecord, 'givenName' | 'familyName' | 'fullName' | 'emails' | 'phones'> {
  givenName: string;
  familyName: string;
  emails: { address: string; label: string | null }[];
  phones: { number: string; label: string | null }[];
}

const MAX = { name: 200, org: 300, job: 300, notes: 20000, tag: 100, url: 500 };

/** Validates and normalises one record; a string is the reason it is rejected. */
export function validateRecord(r: ImportRecord): ValidRow | string {
  let { givenName, familyName } = r;
  if ((!givenName || !familyName) && r.fullName) {
    const split = splitFullName(r.fullName);
    givenName ||= split.givenName;
    familyName ||= split.familyName;
  }
  givenName = givenName?.trim();
  familyName = familyName?.trim();
  if (!givenName) return 'givenName is missing';
  if (!familyName) return 'familyName is missing';
  if (givenName.length > MAX.name || familyName.length > MAX.name) {
    return `names may have at most ${MAX.name} characters`;
  }
  const emails = new Map<string, { address: string; label: string | null }>();
  for (const e of r.emails) {
    const address = normaliseEmail(e.address);
    if (!isEmail(address)) return `"${e.address.slice(0, 100)}" is not an e-mail address`;
    if (!emails.has(address)) emails.set(address, { address, label: e.label?.trim() || null });
  }
  const phones = new Map<string, { number: string; label: string | null }>();
  for (const p of r.phones) {
    const number = toE164(p.number);
    if (!number) return `"${p.number.slice(0, 50)}" is not a valid phone number`;
    if (!phones.has(number)) phones.set(number, { number, label: p.label?.trim() || null });
  }
  if (r.organisation && r.organisation.length > MAX.org) {
    return `organisation may have at most ${MAX.org} characters`;
  }
  if (r.jobTitle && r.jobTitle.length > MAX.job) return `jobTitle may have at most ${MAX.job} characters`;
  if (r.notes && r.notes.length > MAX.notes) return `notes may have at most ${MAX.notes} characters`;
  if (r.tags.some((t) => t.length > MAX.tag)) return `tags may have at most ${MAX.tag} characters each`;
  if (r.preferredLanguage && !LANGUAGE_TAG.test(r.preferredLanguage)) {
    return 'preferredLanguage must be a language tag like de or en-GB';
  }
  const url = (v: string | undefined, host: RegExp, name: string) => {
    if (!v) return undefined;
    try {
      const u = new URL(v);
      if (!/^https?:$/.test(u.protocol) || !host.test(u.hostname) || v.length > MAX.url) throw new Error();
      return undefined;
    } catch {
      return `${name} must be a ${host === LINKEDIN ? 'linkedin.com' : 'xing.com'} URL`;
    }
  };
  const badUrl = url(r.linkedinUrl, LINKEDIN, 'linkedinUrl') ?? url(r.xingUrl, XING, 'xingUrl');
  if (badUrl) return badUrl;
  return {
    row: r.row,
    givenName,
    familyName,
    emails: [...emails.values()],
    phones: [...phones.values()],
    organisation: r.organisation?.trim() || undefined,
    jobTitle: r.jobTitle?.trim() || undefined,
    tags: Array.from(new Set(r.tags.map((t) => t.trim()).filter(Boolean))),
    notes: r.notes || undefined,
    preferredLanguage: r.preferredLanguage || undefined,
    linkedinUrl: r.linkedinUrl || undefined,
    xingUrl: r.xingUrl || undefined,
  };
}
const LINKEDIN = /(^|\.)linkedin\.com$/i;
const XING = /(^|\.)xing\.com$/i;

/** A later row for the same person: its values win, lists are united. */
export function combine(a: ValidRow, b: ValidRow): ValidRow {
  return {
    ...a,
    ...Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)),
    emails: unionBy(a.emails, b.emails, (e) => e.address),
    phones: unionBy(a.phones, b.phones, (p) => p.number),
    tags: unionBy(a.tags, b.tags, (t) => t),
  } as ValidRow;
}

/** The stored contact in the import's row form (through the API form, so the field map is the only one). */
export const fromContact = (c: ContactRow): ValidRow => {
  const d = toContactResponse(c);
  return {
    row: 0,
    givenName: d.givenName,
    familyName: d.familyName,
    emails: d.emails,
    phones: d.phones,
    jobTitle: d.jobTitle ?? undefined,
    tags: d.tags,
    notes: d.notes ?? undefined,
    preferredLanguage: d.preferredLanguage ?? undefined,
    linkedinUrl: d.socialProfiles.linkedin ?? undefined,
    xingUrl: d.socialProfiles.xing ?? undefined,
  };
};

/** The existing contact with the file's values applied: given values overwrite, e-mails/phones/tags are added. */
export function applyRow(c: ContactRow, r: ValidRow, organisationId: string | null) {
  const merged = combine(fromContact(c), r);
  return toRecord(c.id, merged, r.organisation ? (organisationId ?? c.organisation_id) : c.organisation_id);
}

/** The row as the import writes it: the contact's fields, by column through the one field ↔ column map. */
export function toRecord(id: string, r: ValidRow, organisationId: string | null): ContactRecord {
  const fields: Record<string, unknown> = {
    givenName: r.givenName,
    familyName: r.familyName,
    emails: r.emails,
    phones: r.phones,
    organisationId,
    jobTitle: r.jobTitle ?? null,
    tags: r.tags,
    notes: r.notes ?? null,
    preferredLanguage: r.preferredLanguage ?? null,
    socialProfiles: {
      ...(r.linkedinUrl ? { linkedin: r.linkedinUrl } : {}),
      ...(r.xingUrl ? { xing: r.xingUrl } : {}),
    },
  };
  return {
    id,
    ...Object.fromEntries(Object.entries(fields).map(([field, value]) => [CONTACT_FIELDS[field], value])),
  } as ContactRecord;
}
