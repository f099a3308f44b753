import type { Table } from './table-owners.js';

/**
 * The only exception to "only the owner's folder names its table in SQL" (issue 10): **read-only** queries that JOIN
 * other owners' tables where one set-based statement is the right tool (reports, a list showing a name, the consent
 * gate's hot path). They live in named query files (`*.query.ts`) beside the repository of the feature that needs
 * them, never in a service, and never write: the table-ownership spec fails when an allowlisted file is not a
 * `*.query.ts`, when it writes (INSERT, UPDATE, DELETE) a table it does not own, when a file names a foreign table
 * that is not listed here, and when a listed (file, table) pair no longer occurs (remove it then).
 *
 * Everything else goes through the owner: its repository's methods (ContactsRepository.touchLastInteraction,
 * OrganisationsRepository.exists, …) or its PersonalDataHolder (export, erasure, merge).
 */
export const FOREIGN_TABLE_ALLOWLIST: Readonly<Record<string, readonly Table[]>> = {
  // Networks list their members' and reviewers' names.
  'src/networks/networks.query.ts': ['organisations', 'users'],

  // Read-only: an affiliation shows its organisation's name; contact search ranks by organisation name.
  'src/contacts/affiliations.query.ts': ['organisations'],
  'src/contacts/contact-search.query.ts': ['organisations'],

  // Consent coverage of a purpose (a compliance report): consents counted over live contacts.
  'src/compliance/consent-coverage.query.ts': ['consents', 'contacts'],

  // Retention (set-based, read-only): who is due for erasure — contacts with their consents (and the purposes'
  // retentionDays), recorded bases and interactions; and the same facts for one contact, for the pure rule.
  'src/retention/retention.query.ts': ['consents', 'contacts', 'interaction_contacts', 'interactions', 'legal_bases', 'purposes'],
  // Compliance reports: the Art. 30 record (purposes with the recipients that received data or are named in
  // consents), disclosures per recipient and month, consents expiring, the subject-request register's timeliness.
  'src/compliance-reports/compliance-reports.query.ts': [
    'consents',
    'contacts',
    'disclosure_items',
    'disclosures',
    'purposes',
    'recipients',
    'subject_requests',
  ],

  // Read-only, set-based: the consent gate's query (one statement for 1 or 10,000 contacts, the hot path) and the
  // consent-expiry scan read whether the contact exists and is erased.
  'src/consent/consent-expiry.query.ts': ['contacts'],
  'src/consent/consent-gate.query.ts': ['contacts'],

  // Engagement reads: an interaction's flags (conflicts of interest, event representatives), timelines and
  // relationship strength with names; an event's summary; follow-ups with their interaction's contacts.
  'src/interactions/interactions.query.ts': [
    'conflicts_of_interest',
    'contacts',
    'event_representatives',
    'events',
    'organisations',
    'users',
  ],
  'src/interactions/relationships.query.ts': ['contacts', 'users'],
  // Warm introductions: the recursive walk over connections steps on live contacts only and joins the staff who
  // know each contact reached (authors and participants of its interactions).
  'src/connections/introductions.query.ts': ['contacts', 'interaction_contacts', 'interaction_participants', 'interactions'],
  'src/events/event-summary.query.ts': ['follow_ups', 'interaction_contacts', 'interactions'],
  // An event's briefing (who on staff knows each attendee) and follow-through: one set-based statement each.
  'src/events/event-briefing.query.ts': ['contacts', 'follow_ups', 'interaction_contacts', 'interaction_participants', 'interactions'],
  'src/follow-ups/follow-ups.query.ts': [
    'consents',
    'contacts',
    'interaction_contacts',
    'interaction_participants',
    'interactions',
    'users',
  ],

  // Engagement reports: read-only set-based SQL over the engagement tables, with names and owners.
  'src/reports/engagement-reports.query.ts': [
    'contacts',
    'events',
    'follow_ups',
    'interaction_contacts',
    'interaction_organisations',
    'interaction_participants',
    'interactions',
    'network_memberships',
    'organisations',
    'users',
  ],
};
