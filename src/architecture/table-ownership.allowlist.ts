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
  'src/api-keys/api-keys.service.ts': ['recipients', 'users'],
  'src/organisations/organisations.service.ts': ['users'],
  'src/networks/networks.service.ts': ['organisations', 'users'],
  'src/recipients/recipients.service.ts': ['organisations'],

  // Contacts join organisations (affiliations, import by organisation name) and owners.
  'src/contacts/affiliations.service.ts': ['organisations'],
  'src/contacts/contact-import.service.ts': ['organisations'],
  'src/contacts/contacts.service.ts': ['organisations', 'users'],

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

  // The consent gate locks and reads contacts, checks interactions, purposes and recipients itself.
  'src/consent/consent-gate.service.ts': ['contacts'],
  'src/consent/consents.service.ts': ['contacts', 'interactions', 'purposes', 'recipients'],
  'src/disclosures/disclosures.service.ts': ['contacts', 'purposes'],

  // The interactions hub: interactions write contacts (last interaction) and follow-ups; its neighbours read and
  // write the interaction tables.
  'src/interactions/interactions.service.ts': [
    'conflicts_of_interest',
    'contacts',
    'event_representatives',
    'events',
    'follow_ups',
    'organisations',
    'users',
  ],
  'src/interactions/relationships.service.ts': ['contacts', 'users'],
  'src/events/events.service.ts': [
    'follow_ups',
    'interaction_contacts',
    'interactions',
    'organisations',
    'users',
  ],
  'src/follow-ups/follow-up.mapper.ts': ['interaction_contacts', 'interaction_participants', 'interactions'],
  'src/follow-ups/follow-ups.service.ts': ['contacts', 'interaction_contacts', 'interactions', 'users'],

  // Engagement reports: set-based SQL over the engagement tables (to move into the owners' query files).
  'src/reports/engagement-reports.service.ts': [
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

  // Webhooks: the notifier and the worker read disclosures, purposes and recipients; the worker also runs the
  // consent-expiry scan (consents, consent_expiry_notices), which belongs to consent/.
  'src/webhooks/recipient-notifier.service.ts': ['disclosure_items', 'disclosures', 'purposes', 'recipients'],
  'src/webhooks/webhook-worker.service.ts': [
    'consent_expiry_notices',
    'consents',
    'contacts',
    'disclosure_items',
    'disclosures',
    'purposes',
    'recipients',
  ],
};
