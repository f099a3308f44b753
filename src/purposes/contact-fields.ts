/**
 * Contact fields a purpose may list in `dataCategories`, with the contacts column each reads.
 * A field whose column does not exist (yet) is simply absent from disclosed data.
 */
export const CONTACT_FIELDS: Record<string, string> = {
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
};
export const CONTACT_FIELD_NAMES = Object.keys(CONTACT_FIELDS);

const asArray = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);

/** A field's value as the contacts API shows it, from the row's raw column value. */
export function contactFieldValue(field: string, raw: unknown): unknown {
  switch (field) {
    case 'emails':
      return asArray(raw).map((e) => ({ address: e.address, label: e.label ?? null }));
    case 'phones':
      return asArray(raw).map((p) => ({ number: p.number, label: p.label ?? null }));
    case 'tags':
      return raw ?? [];
    default:
      return raw ?? null;
  }
}
