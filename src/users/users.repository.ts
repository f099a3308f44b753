import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Page, PageQueryDto } from '../common/http/pagination.js';
import { pageByCreation } from '../database/page-by-creation.js';
import { queryRows } from '../database/sql.js';
import { TransactionService } from '../database/transaction.service.js';
import { User } from './user.entity.js';

export type UserRole = User['role'];

/**
 * The `users` table: staff members (created by an admin, or on first sign-in through OpenID Connect). The only place
 * that issues SQL against it; other features check and name users through the methods below.
 */
@Injectable()
export class UsersRepository {
  constructor(private readonly tx: TransactionService) {}

  private repo(m: EntityManager = this.tx.manager) {
    return m.getRepository(User);
  }

  create(m: EntityManager, fields: { name: string; email: string | null; role: UserRole }): Promise<User> {
    const repo = this.repo(m);
    return repo.save(repo.create(fields));
  }

  findById(m: EntityManager, id: string): Promise<User | null> {
    return this.repo(m).findOneBy({ id });
  }

  findByIdOrFail(m: EntityManager, id: string): Promise<User> {
    return this.repo(m).findOneByOrFail({ id });
  }

  findByOidcIdentity(m: EntityManager, issuer: string, subject: string): Promise<User | null> {
    return this.repo(m).findOneBy({ oidcIssuer: issuer, oidcSubject: subject });
  }

  save(m: EntityManager, user: User): Promise<User> {
    return this.repo(m).save(user);
  }

  /** Inserts an OIDC user; a concurrent first sign-in of the same identity gets the same row. Returns its id. */
  async insertFromOidc(
    m: EntityManager,
    u: { name: string; email: string | null; role: UserRole; issuer: string; subject: string },
  ): Promise<string> {
    const [row] = await queryRows<{ id: string }>(
      m,
      `INSERT INTO users (name, email, role, oidc_issuer, oidc_subject) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (oidc_issuer, oidc_subject) WHERE oidc_subject IS NOT NULL DO UPDATE SET updated_at = now()
       RETURNING id`,
      [u.name, u.email, u.role, u.issuer, u.subject],
    );
    return row.id;
  }

  page<T>(q: PageQueryDto, map: (u: User) => T): Promise<Page<T>> {
    return pageByCreation(this.repo(), q, map);
  }

  /** Whether a user with this id exists (active or not). */
  async exists(m: EntityManager, id: string): Promise<boolean> {
    const rows = await queryRows(m, 'SELECT 1 FROM users WHERE id = $1', [id]);
    return rows.length > 0;
  }

  /**
   * For a statement composed of several owners' parts (database/composed-write.ts): the condition "the user exists",
   * true when the id (a placeholder typed uuid) is null.
   */
  existsCondition(id: string): string {
    return `(${id} IS NULL OR EXISTS (SELECT 1 FROM users WHERE id = ${id}))`;
  }

  /** The ids among `ids` that name a user (as text, in no particular order). */
  async existingIds(m: EntityManager, ids: readonly string[]): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(m, 'SELECT id::text FROM users WHERE id = ANY($1::uuid[])', [
      ids,
    ]);
    return rows.map((r) => r.id);
  }

  /** Whether the user exists and is active (a deactivated user's API keys stop working). */
  async isActive(m: EntityManager, id: string): Promise<boolean> {
    const rows = await queryRows(m, 'SELECT 1 FROM users WHERE id = $1 AND active', [id]);
    return rows.length > 0;
  }
}
