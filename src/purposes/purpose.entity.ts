import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

export const LEGAL_BASES = ['consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

/** Why data is processed (GDPR Art. 5(1)(b)), on which Art. 6(1) basis, and which contact fields it may ever disclose. */
@Entity('purposes')
export class Purpose {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Stable slug used by clients (`newsletter`). */
  @Column('text') key: string;
  @Column('text') name: string;
  @Column('text') description: string;
  @Column('text') legalBasis: LegalBasis;
  @Column('text', { array: true }) dataCategories: string[];
  @Column('integer', { nullable: true }) retentionDays: number | null;
  @Column('timestamptz', { nullable: true }) retiredAt: Date | null;
  @VersionColumn() version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
