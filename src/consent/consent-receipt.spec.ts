import { buildConsentReceipt, DPV_LEGAL_BASIS } from './consent-receipt.js';
import type { Consent } from './consent.entity.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const consent = (over: Partial<Consent> = {}): Consent =>
  ({
    id: 'c1', contactId: 'p1', purposeId: 'pu1', recipientIds: null, status: 'granted', method: 'web_form', noticeVersion: 'v1',
    noticeHash: null, evidence: null, interactionId: null, recordedBy: 'u1', obtainedAt: new Date('2026-01-01T00:00:00Z'),
    expiresAt: null, confirmedAt: null, withdrawnAt: null, withdrawalReason: null, withdrawnBy: null, confirmationTokenHash: 'h',
    confirmationExpiresAt: null, createdAt: new Date('2026-01-01T00:00:00Z'), ...over,
  }) as Consent;
const purpose = { id: 'pu1', key: 'newsletter', name: 'Newsletter', description: 'News', legalBasis: 'consent', dataCategories: ['emails'] };

describe('buildConsentReceipt', () => {
  it('maps the states to DPV terms', () => {
    expect(buildConsentReceipt(consent(), purpose, 'Org', NOW)).toMatchObject({ consentState: 'given', consentStatus: 'dpv:ConsentGiven' });
    expect(buildConsentReceipt(consent({ status: 'withdrawn', withdrawnAt: NOW }), purpose, 'Org', NOW)).toMatchObject({ consentState: 'withdrawn', consentStatus: 'dpv:ConsentWithdrawn' });
    expect(buildConsentReceipt(consent({ expiresAt: NOW }), purpose, 'Org', NOW)).toMatchObject({ consentState: 'expired', consentStatus: 'dpv:ConsentExpired' });
    expect(buildConsentReceipt(consent({ status: 'pending' }), purpose, 'Org', NOW)).toMatchObject({ consentState: 'requested', consentStatus: 'dpv:ConsentRequested' });
  });
  it('names the lawful basis as GDPR Art. 6(1)(a) and never leaks the confirmation token hash', () => {
    const r = buildConsentReceipt(consent(), purpose, 'Org', NOW);
    expect(r.purposes[0]).toMatchObject({ purposeId: 'newsletter', lawfulBasis: 'dpv:A6-1-a', piiRecipients: 'all', piiCategories: ['emails'] });
    expect(JSON.stringify(r)).not.toContain('"h"');
    expect(DPV_LEGAL_BASIS.legitimate_interests).toBe('dpv:A6-1-f');
  });
});
