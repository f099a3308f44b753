import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

export const RECIPIENT_KINDS = ['internal_tool', 'partner_organisation'] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];

/** Who receives contact data (an internal tool or a partner), and where it is told about changes (Art. 19). */
@Entity('recipients')
export class Recipient {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') kind: RecipientKind;
  @Column('uuid', { nullable: true }) organisationId: string | null;
  @Column('text', { nullable: true }) webhookUrl: string | null;
  /** The Standard Webhooks secret `whsec_…`, sealed with CryptoService.seal (unseal to sign). */
  @Column('text') webhookSecretSealed: string;
  @Column('timestamptz', { nullable: true }) retiredAt: Date | null;
  @VersionColumn() version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
