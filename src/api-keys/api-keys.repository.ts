import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Role } from '../auth/role.js';
import type { Page, PageQueryDto } from '../common/http/pagination.js';
import { pageByCreation } from '../database/page-by-creation.js';
import { rowsOf } from '../database/sql.js';
import { TransactionService } from '../database/transaction.service.js';
import { ApiKey } from './api-key.entity.js';

/** An unrevoked key found by its hash, as `authenticate` needs it. */
export interface UnrevokedKeyRow {
  id: string;
  role: Role;
  user_id: string | null;
  recipient_id: string | null;
  key_hash: string;
  expires_at: Date | null;
}

/** The `api_keys` table; the only place that issues SQL against it. */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly tx: TransactionService) {}

  private repo(m: EntityManager = this.tx.manager) {
    return m.getRepository(ApiKey);
  }

  findByHash(m: EntityManager, keyHash: string): Promise<ApiKey | null> {
    return this.repo(m).findOneBy({ keyHash });
  }

  /** `lock`: FOR UPDATE (inside a transaction only). */
  findById(m: EntityManager, id: string, lock = false): Promise<ApiKey | null> {
    return this.repo(m).findOne({ where: { id }, lock: lock ? { mode: 'pessimistic_write' } : undefined });
  }

  insert(m: EntityManager, fields: Partial<ApiKey>): Promise<ApiKey> {
    const repo = this.repo(m);
    return repo.save(repo.create(fields));
  }

  save(m: EntityManager, key: ApiKey): Promise<ApiKey> {
    return this.repo(m).save(key);
  }

  /** Unrevokes the key, clears its expiry and gives it `role` (ADMIN_API_KEY at start-up). */
  async restore(m: EntityManager, id: string, role: Role): Promise<void> {
    await m.query(
      'UPDATE api_keys SET revoked_at = NULL, expires_at = NULL, role = $2, version = version + 1 WHERE id = $1',
      [id, role],
    );
  }

  page<T>(q: PageQueryDto, map: (k: ApiKey) => T): Promise<Page<T>> {
    return pageByCreation(this.repo(), q, map);
  }

  /** The unrevoked key with this hash (expired or not), outside any request transaction. */
  async unrevokedByHash(keyHash: string): Promise<UnrevokedKeyRow | undefined> {
    // Through dataSource.query (the pool, never the request's transaction): one statement, whose only parameter
    // is the hash of the whole presented key (the api2-authentication e2e traces exactly this call).
    const [row] = rowsOf<UnrevokedKeyRow>(
      await this.tx.dataSource.query(
        `SELECT k.id, k.role, k.user_id, k.recipient_id, k.key_hash, k.expires_at FROM api_keys k
        WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
        [keyHash],
      ),
    );
    return row;
  }

  /** The active (unrevoked, unexpired) integration key an OAuth client is registered on. */
  async activeIntegrationKeyForOauthClient(
    clientId: string,
  ): Promise<{ id: string; user_id: string | null; recipient_id: string | null } | undefined> {
    const [row] = rowsOf<{ id: string; user_id: string | null; recipient_id: string | null }>(
      await this.tx.dataSource.query(
        `SELECT id, user_id, recipient_id FROM api_keys
       WHERE oauth_client_id = $1 AND role = 'integration' AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
        [clientId],
      ),
    );
    return row;
  }
}
