import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import type { Role } from '../auth/role.js';

@Entity('api_keys')
export class ApiKey {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') role: Role;
  @Column('uuid', { nullable: true }) userId: string | null;
  @Column('uuid', { nullable: true }) recipientId: string | null;
  @Column('text', { nullable: true }) oauthClientId: string | null;
  /** The first characters of the key, safe to show so a leaked key can be recognised. */
  @Column('text') prefix: string;
  /** SHA-256 of the whole key (hex). The key itself is never stored. */
  @Column('text') keyHash: string;
  @Column('timestamptz', { nullable: true }) expiresAt: Date | null;
  @Column('timestamptz', { nullable: true }) revokedAt: Date | null;
  @Column('text', { nullable: true }) createdBy: string | null;
  /** Bumped on every change (revocation, restore): the ETag, checked against If-Match on DELETE. */
  @VersionColumn() version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
