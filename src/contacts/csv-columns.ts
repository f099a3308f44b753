import { ImportRecord, splitList } from './import-record.js';

/** Header variants accepted per field, compared lower-case with everything but letters and digits removed. */
const ALIASES: Record<string, string[]> = {
  givenName: ['givenname', 'firstname', 'first', 'forename', 'vorname', 'prenom', 'given'],
  familyName: ['familyname', 'lastname', 'last', 'surname', 'nachname', 'nom', 'family'],
  fullName: ['name', 'fullname', 'displayname', 'contactname', 'contact'],
  email: [
    'email',
    'emailaddress',
    'mail',
    'emails',
    'emailaddresses',
    'workemail',
    'businessemail',
    'email1',
    'primaryemail',
  ],
  phone: [
    'phone',
    'phonenumber',
    'telephone',
    'tel',
    'mobile',
    'mobilephone',
    'cell',
    'phones',
    'telefon',
    'businessphone',
    'workphone',
    'phone1',
  ],
  organisation: [
    'organisation',
    'organization',
    'company',
    'companyname',
    'org',
    'employer',
    'firma',
    'organisationname',
    'organizationname',
    'institution',
  ],
  jobTitle: ['jobtitle', 'title', 'position', 'role', 'job', 'function', 'funktion'],
  tags: ['tags', 'tag', 'labels', 'categories', 'groups'],
  notes: ['notes', 'note', 'comment', 'comments', 'remarks'],
  preferredLanguage: ['preferredlanguage', 'language', 'lang', 'sprache'],
  linkedinUrl: ['linkedin', 'linkedinurl', 'linkedinprofile'],
  xingUrl: ['xing', 'xingurl', 'xingprofile'],
};

const LOOKUP = new Map<string, string>();
for (const [field, names] of Object.entries(ALIASES)) for (const n of names) LOOKUP.set(n, field);

export const normaliseHeader = (h: string): string =>
  h
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/** Maps each header to the field it fills, or undefined for a column we ignore (consent columns included). */
export function mapHeaders(headers: string[]): (string | undefined)[] {
  const seen = new Set<string>();
  return headers.map((h) => {
    const field = LOOKUP.get(normaliseHeader(h));
    // A second column for the same field (e.g. "email" and "E-Mail") is kept for e-mails and phones only.
    if (!field || (seen.has(field) && field !== 'email' && field !== 'phone')) return undefined;
    seen.add(field);
    return field;
  });
}

/** One CSV record (cells in header order) as an import record. */
export function recordFromCells(row: number, fields: (string | undefined)[], cells: string[]): ImportRecord {
  const rec: ImportRecord = { row, emails: [], phones: [], tags: [] };
  fields.forEach((field, i) => {
    const value = (cells[i] ?? '').trim();
    if (!field || !value) return;
    switch (field) {
      case 'email':
        for (const address of value.split(/[;,\s]+/).filter(Boolean)) rec.emails.push({ address });
        break;
      case 'phone':
        for (const number of value
          .split(/[;,]/)
          .map((s) => s.trim())
          .filter(Boolean)) {
          rec.phones.push({ number });
        }
        break;
      case 'tags':
        rec.tags.push(...splitList(value));
        break;
      default:
        (rec as unknown as Record<string, string>)[field] = value;
    }
  });
  return rec;
}
