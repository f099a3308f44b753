import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const CONSENT_METHODS = ['web_form', 'paper', 'email_double_opt_in', 'verbal', 'import'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];
/** Stored state; `expired` is never stored, it is computed from `expiresAt <= now`. */
export type StoredConsentStatus = 'pending' | 'granted' | 'withdrawn';
export type ConsentStatus = StoredConsentStatus | 'expired';

/**
 * One consent record (GDPR Art. 7). Append-only: what was consented to is never edited; confirmation
 * (pending → granted) and withdrawal (→ withdrawn) are the only transitions.
 */
@Entity('consents')
export class Consent {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') contactId: string;
  @Column('uuid') purposeId: string;
  /** null or empty: every recipient. */
  @Column('uuid', { array: true, nullable: true }) recipientIds: string[] | null;
  @Column('text') status: StoredConsentStatus;
  @Column('text') method: ConsentMethod;
  @Column('text') noticeVersion: string;
  /** SHA-256 (hex) of the notice text shown, when the caller sent it. */
  @Column('text', { nullable: true }) noticeHash: string | null;
  @Column('jsonb', { nullable: true }) evidence: Record<string, unknown> | null;
  @Column('uuid', { nullable: true }) interactionId: string | null;
  @Column('text', { nullable: true }) recordedBy: string | null;
  @Column('timestamptz') obtainedAt: Date;
  @Column('timestamptz', { nullable: true }) expiresAt: Date | null;
  @Column('timestamptz', { nullable: true }) confirmedAt: Date | null;
  @Column('timestamptz', { nullable: true }) withdrawnAt: Date | null;
  @Column('text', { nullable: true }) withdrawalReason: string | null;
  @Column('text', { nullable: true }) withdrawnBy: string | null;
  /** SHA-256 (hex) of the double opt-in token; the token itself is never stored. */
  @Column('text', { nullable: true }) confirmationTokenHash: string | null;
  @Column('timestamptz', { nullable: true }) confirmationExpiresAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
