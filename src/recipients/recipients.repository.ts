import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Page, PageQueryDto } from '../common/http/pagination.js';
import { pageByCreation } from '../database/page-by-creation.js';
import { queryRows } from '../database/sql.js';
import { TransactionService } from '../database/transaction.service.js';
import { Recipient } from './recipient.entity.js';

export interface RecipientRef {
  id: string;
  retired: boolean;
}

/** Where (and whether) a recipient is told about changes: what the webhook worker needs to send. */
export interface RecipientTarget {
  id: string;
  webhook_url: string | null;
  webhook_secret_sealed: string;
  retired_at: Date | null;
}

/** The recipients table: the TypeORM entity for the CRUD, hand-written SQL for lookups by other features. */
@Injectable()
export class RecipientsRepository {
  constructor(private readonly tx: TransactionService) {}

  private get repo() {
    return this.tx.manager.getRepository(Recipient);
  }

  /** The gate's view of a recipient, or undefined. */
  async ref(id: string, m: EntityManager = this.tx.manager): Promise<RecipientRef | undefined> {
    const [r] = await queryRows<{ id: string; retired_at: Date | null }>(m, 'SELECT id, retired_at FROM recipients WHERE id = $1', [id]);
    return r ? { id, retired: r.retired_at !== null } : undefined;
  }

  /** Whether a recipient with this id exists (api-keys: an integration key's recipient). */
  async exists(m: EntityManager, id: string): Promise<boolean> {
    return (await queryRows<unknown>(m, 'SELECT 1 FROM recipients WHERE id = $1', [id])).length > 0;
  }

  /** The ids among `ids` that exist. */
  async existingIds(m: EntityManager, ids: string[]): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(m, 'SELECT id FROM recipients WHERE id = ANY($1::uuid[])', [ids]);
    return rows.map((r) => r.id);
  }

  /** The webhook targets of these recipients (the worker, outside any transaction). */
  targets(m: EntityManager, ids: string[]): Promise<RecipientTarget[]> {
    return queryRows<RecipientTarget>(
      m,
      'SELECT id, webhook_url, webhook_secret_sealed, retired_at FROM recipients WHERE id = ANY ($1::uuid[])',
      [ids],
    );
  }

  /** The ids among `ids` that can be notified: a webhook URL and not retired. */
  async notifiable(m: EntityManager, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await queryRows<{ id: string }>(
      m,
      'SELECT id FROM recipients WHERE id = ANY($1::uuid[]) AND webhook_url IS NOT NULL AND retired_at IS NULL',
      [ids],
    );
    return rows.map((r) => r.id);
  }

  /** Names by id, for the ids given (one query). */
  async namesOf(m: EntityManager, ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await queryRows<{ id: string; name: string }>(m, 'SELECT id, name FROM recipients WHERE id = ANY($1::uuid[])', [ids]);
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  create(values: Omit<Recipient, 'id' | 'version' | 'createdAt' | 'updatedAt'>): Promise<Recipient> {
    return this.repo.save(this.repo.create(values));
  }

  save(r: Recipient): Promise<Recipient> {
    return this.repo.save(r);
  }

  findById(id: string, lock = false): Promise<Recipient | null> {
    return this.repo.findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  }

  page<T>(q: PageQueryDto, map: (r: Recipient) => T): Promise<Page<T>> {
    return pageByCreation(this.repo, q, map);
  }
}
