/** The kinds of organisation (a network is an organisation of kind `network`). */
export const ORGANISATION_KINDS = [
  'company',
  'university',
  'association',
  'chamber',
  'public_body',
  'ngo',
  'network',
  'other',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];
/** What kind of network a network organisation is. */
export const NETWORK_TYPES = ['informal', 'institutional', 'professional'] as const;
export type NetworkType = (typeof NETWORK_TYPES)[number];
