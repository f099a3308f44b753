import type { Table } from './table-owners.js';

/**
 * Today's exceptions to "only the owner's folder names its table in SQL" (issue 10): file → tables it names
 * although another folder owns them. This is the refactor's to-do list: it may only shrink. The table-ownership
 * spec fails when a file names a foreign table that is not listed here, and also when a listed (file, table) pair
 * no longer occurs (remove it then, so that it cannot come back).
 *
 * How an entry goes away: the owner gets a repository method (ContactsRepository.lockForDecision,
 * touchLastInteraction, FollowUps.cancelForInteraction, a PersonalDataHolder's exportFor/eraseFor/moveTo, …) and the
 * file calls it instead of writing the SQL itself.
 */
export const FOREIGN_TABLE_ALLOWLIST: Readonly<Record<string, readonly Table[]>> = {
  // Owner names (users) and the recipient of integration keys read by joins.
  'src/networks/networks.query.ts': ['organisations', 'users'],

  // Read-only: an affiliation shows its organisation's name; contact search ranks by organisation name.
  'src/contacts/affiliations.query.ts': ['organisations'],
  'src/contacts/contact-search.query.ts': ['organisations'],

  // Compliance knows every feature's tables by name (export, erasure): to be replaced by PersonalDataHolders.
  'src/compliance/compliance.service.ts': [
    'consents',
    'contacts',
    'disclosure_items',
    'disclosures',
    'follow_ups',
    'interaction_contacts',
    'interactions',
    'objections',
    'purposes',
    'recipients',
  ],

  // Read-only, set-based: the consent gate's query (one statement for 1 or 10,000 contacts, the hot path) and the
  // consent-expiry scan read whether the contact exists and is erased.
  'src/consent/consent-expiry.query.ts': ['contacts'],
  'src/consent/consent-gate.query.ts': ['contacts'],

  // The interactions hub: interactions write contacts (last interaction) and follow-ups; its neighbours read and
  // write the interaction tables.
  'src/interactions/interactions.query.ts': [
    'conflicts_of_interest',
    'contacts',
    'event_representatives',
    'events',
    'organisations',
    'users',
  ],
  'src/interactions/relationships.query.ts': ['contacts', 'users'],
  'src/events/event-summary.query.ts': ['follow_ups', 'interaction_contacts', 'interactions'],
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
