/**
 * One owner per table (issue 10). Each table of the schema (migrations/) has exactly one owning folder under src/;
 * only that folder issues SQL against it (and maps it with a TypeORM entity). Other features go through the
 * owner's exported service or repository. The table-ownership spec (table-ownership.spec.ts) fails when a
 * migration creates a table that is missing here, when an entry names no table, and when a file outside the owner's
 * folder names the table in SQL (except the known cases listed in table-ownership.allowlist.ts, which only shrink).
 *
 * The README's architecture section shows this table.
 */
export const TABLE_OWNERS = {
  // Infrastructure
  audit_events: 'audit', // hash-chained audit trail
  audit_checkpoints: 'audit-trail', // signed heads of the chain (also written as files)
  contact_keys: 'crypto', // per-contact data keys (crypto-shredding on erasure)
  idempotency_keys: 'idempotency', // stored answers of POSTs with an Idempotency-Key

  // Access
  users: 'users',
  api_keys: 'api-keys',

  // The address book
  contacts: 'contacts',
  contact_affiliations: 'contacts', // a contact's roles at organisations
  contact_search_names: 'contacts', // each distinct contacts.search_name once, for the typo search (kept by triggers)
  organisations: 'organisations', // networks are organisations of kind `network`

  // Engagement
  interactions: 'interactions',
  interaction_contacts: 'interactions',
  interaction_organisations: 'interactions',
  interaction_participants: 'interactions',
  events: 'events',
  event_representatives: 'events',
  event_attendees: 'events', // external contacts who attend an event
  follow_ups: 'follow-ups',
  calendar_tokens: 'follow-ups', // the per-user iCalendar feed of follow-ups
  network_memberships: 'networks',
  network_reviews: 'networks',
  network_review_scores: 'networks',
  conflicts_of_interest: 'networks',
  contact_connections: 'connections', // contacts who know each other (issue 14)

  // GDPR: the consent gate and what it discloses
  purposes: 'purposes',
  recipients: 'recipients',
  consents: 'consent',
  objections: 'consent',
  legal_bases: 'consent', // per-person legal bases (contract, legal obligation…) the gate requires
  consent_expiry_notices: 'consent', // the consent-expiry scan belongs to consent (today in webhooks/)
  disclosures: 'disclosures',
  disclosure_items: 'disclosures',
  signing_keys: 'disclosures', // Ed25519 keys of the disclosure receipts (JWKS)
  webhook_deliveries: 'webhooks', // Art. 19 notifications to recipients
  suppressions: 'suppressions', // keyed hashes of erased persons' e-mail addresses
  subject_requests: 'subject-requests', // the register of data-subject requests (Art. 12(3))
  retention_runs: 'retention', // each run of the retention rule (manual or the daily job)
} as const satisfies Record<string, string>;

export type Table = keyof typeof TABLE_OWNERS;

/**
 * The tables that hold personal data of a contact: every table with a `contact_id` column or a column that
 * references contacts(id) must be listed (the spec checks it against the migrations). Issue 10 turns this list into
 * registered `PersonalDataHolder`s (export, erasure, merge); until then it is data, so that a new table holding a
 * contact's data cannot be added without someone deciding how export, erasure and merge treat it.
 */
export const PERSONAL_DATA_HOLDERS: readonly Table[] = [
  'contacts', // the contact itself (merged_into_id references contacts)
  'contact_keys', // the contact's data key: deleted on erasure (crypto-shredding of the audit values)
  'audit_events', // before/after values sealed under the contact's key
  'contact_affiliations',
  'contact_connections', // both ends reference contacts
  'network_memberships', // member_contact_id: a contact as a network member
  'interaction_contacts',
  'follow_ups',
  'event_attendees',
  'consents',
  'objections',
  'legal_bases',
  'disclosure_items',
  'webhook_deliveries',
  'consent_expiry_notices',
  'subject_requests',
];
