import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';

export const ORGANISATION_KINDS = [
  'company',
  'university',
  'association',
  'chamber',
  'public_body',
  'ngo',
  'network',
  'other',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];
export const NETWORK_TYPES = ['informal', 'institutional', 'professional'] as const;
export type NetworkType = (typeof NETWORK_TYPES)[number];

/** An organisation (company, university, network, …). Written by OrganisationsService with SQL; mapped here for readers. */
@Entity('organisations')
export class Organisation {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') kind: OrganisationKind;
  @Column('text', { nullable: true }) website: string | null;
  @Column('text', { array: true }) emailDomains: string[];
  @Column('uuid', { nullable: true }) parentId: string | null;
  @Column('text', { array: true }) tags: string[];
  @Column('text', { nullable: true }) notes: string | null;
  @Column('uuid', { nullable: true }) ownerId: string | null;
  @Column('text', { nullable: true }) networkType: NetworkType | null;
  @Column('text', { nullable: true }) networkGoals: string | null;
  @Column('text', { nullable: true }) networkRules: string | null;
  @Column('timestamptz', { nullable: true }) archivedAt: Date | null;
  @VersionColumn() version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
