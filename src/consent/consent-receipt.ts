import { effectiveStatus } from './consent-decision.js';
import type { PurposeForReceipt } from '../purposes/purposes.repository.js';
import type { Consent } from './consent.entity.js';

/** GDPR Art. 6(1) bases as W3C DPV (GDPR extension) terms. */
export const DPV_LEGAL_BASIS: Record<string, string> = {
  consent: 'dpv:A6-1-a',
  contract: 'dpv:A6-1-b',
  legal_obligation: 'dpv:A6-1-c',
  vital_interests: 'dpv:A6-1-d',
  public_task: 'dpv:A6-1-e',
  legitimate_interests: 'dpv:A6-1-f',
};

const DPV_STATE: Record<string, { state: string; iri: string }> = {
  granted: { state: 'given', iri: 'dpv:ConsentGiven' },
  pending: { state: 'requested', iri: 'dpv:ConsentRequested' },
  withdrawn: { state: 'withdrawn', iri: 'dpv:ConsentWithdrawn' },
  expired: { state: 'expired', iri: 'dpv:ConsentExpired' },
};

const DPV_METHOD: Record<string, string> = {
  web_form: 'dpv:WebForm',
  paper: 'dpv:PaperForm',
  email_double_opt_in: 'dpv:EmailConfirmation',
  verbal: 'dpv:VerbalConsent',
  import: 'dpv:ImportedRecord',
};

/** What a receipt shows about the consent's purpose. */
export type ReceiptPurpose = PurposeForReceipt;

/**
 * A consent as a record in the fields of ISO/IEC TS 27560:2023 (consent record information structure),
 * with W3C Data Privacy Vocabulary terms for basis, state and method. It names the contact only by id.
 */
export function buildConsentReceipt(c: Consent, purpose: ReceiptPurpose, controller: string, now = new Date()) {
  const status = effectiveStatus(c, now);
  const state = DPV_STATE[status];
  return {
    '@context': ['https://w3id.org/dpv', 'https://w3id.org/dpv/legal/eu/gdpr'],
    schemaVersion: 'ISO/IEC TS 27560:2023',
    recordId: c.id,
    recordType: 'dpv:ConsentRecord',
    generatedAt: now.toISOString(),
    piiPrincipalId: c.contactId,
    piiController: { name: controller },
    consentState: state.state,
    consentStatus: state.iri,
    consentType: 'dpv:ExplicitlyExpressedConsent',
    collectionMethod: { method: c.method, dpv: DPV_METHOD[c.method] },
    timestamps: {
      consentGiven: c.obtainedAt,
      confirmed: c.confirmedAt,
      expiry: c.expiresAt,
      withdrawn: c.withdrawnAt,
      recorded: c.createdAt,
    },
    notice: { version: c.noticeVersion, sha256: c.noticeHash },
    purposes: [
      {
        purposeId: purpose.key,
        purpose: purpose.name,
        purposeDescription: purpose.description,
        lawfulBasis: DPV_LEGAL_BASIS.consent,
        purposeLegalBasis: DPV_LEGAL_BASIS[purpose.legalBasis] ?? purpose.legalBasis,
        piiCategories: purpose.dataCategories,
        piiRecipients: c.recipientIds && c.recipientIds.length ? c.recipientIds : 'all',
        expiry: c.expiresAt,
      },
    ],
    withdrawal: c.withdrawnAt ? { at: c.withdrawnAt, reason: c.withdrawalReason } : null,
    withdrawalMethod: 'POST /api/v1/consents/{id}/withdraw',
    interactionId: c.interactionId,
    evidence: c.evidence,
  };
}
