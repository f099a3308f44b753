import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** One disclosure request: what was asked, for which purpose and recipient, by whom, and its signed receipt. */
@Entity('disclosures')
export class Disclosure {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') purposeId: string;
  @Column('uuid') recipientId: string;
  /** The fields the caller asked for (null: all of the purpose's dataCategories). */
  @Column('text', { array: true, nullable: true }) requestedFields: string[] | null;
  /** requested ∩ dataCategories: the fields each allowed contact's data holds. */
  @Column('text', { array: true }) disclosedFields: string[];
  @Column('text') actorType: string;
  @Column('text', { nullable: true }) actorId: string | null;
  @Column('integer') contactCount: number;
  @Column('integer') disclosedCount: number;
  /** Compact JWS (EdDSA) over the disclosure record. */
  @Column('text') receipt: string;
  @Column('text') receiptKid: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** The gate's decision for one contact of a disclosure. */
@Entity('disclosure_items')
export class DisclosureItem {
  @PrimaryColumn('uuid') disclosureId: string;
  @PrimaryColumn('integer') itemNo: number;
  /** null when the requested id names no contact. */
  @Column('uuid', { nullable: true }) contactId: string | null;
  @Column('uuid') requestedContactId: string;
  @Column('boolean') allowed: boolean;
  @Column('text') reason: string;
  @Column('uuid', { nullable: true }) consentId: string | null;
  @Column('text', { nullable: true }) legalBasis: string | null;
  @Column('text', { array: true }) fields: string[];
}

/** Ed25519 keys signing disclosure receipts; retired keys stay published in the JWKS. */
@Entity('signing_keys')
export class SigningKey {
  @PrimaryColumn('text') kid: string;
  @Column('text') alg: string;
  @Column('jsonb') publicJwk: Record<string, unknown>;
  @Column('text') privateKeySealed: string;
  @Column('boolean') active: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column('timestamptz', { nullable: true }) retiredAt: Date | null;
}
