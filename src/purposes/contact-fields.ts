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
  addresses: 'addresses',
  birthday: 'birthday',
  pronouns: 'pronouns',
  website: 'website',
};
export const CONTACT_FIELD_NAMES = Object.keys(CONTACT_FIELDS);
