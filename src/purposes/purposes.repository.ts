import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Page, PageQueryDto } from '../common/http/pagination.js';
import { pageByCreation } from '../database/page-by-creation.js';
import { queryRows } from '../database/sql.js';
import { TransactionService } from '../database/transaction.service.js';
import { Purpose } from './purpose.entity.js';

/** What the gate needs of a purpose (the consent check is the hot path). */
export interface PurposeRef {
  id: string;
  key: string;
  legalBasis: string;
  dataCategories: string[];
  retired: boolean;
}

/** What a consent receipt shows about its purpose. */
export interface PurposeForReceipt {
  id: string;
  key: string;
  name: string;
  description: string;
  legalBasis: string;
  dataCategories: string[];
}

/** The purposes table: the TypeORM entity for the CRUD, hand-written SQL for the gate's lookups. */
@Injectable()
export class PurposesRepository {
  constructor(private readonly tx: TransactionService) {}

  private get repo() {
    return this.tx.manager.getRepository(Purpose);
  }

  /** The gate's view of a purpose by key, or undefined. */
  async refByKey(key: string, m: EntityManager = this.tx.manager): Promise<PurposeRef | undefined> {
    const [r] = await queryRows<{ id: string; key: string; legal_basis: string; data_categories: string[]; retired_at: Date | null }>(
      m,
      'SELECT id, key, legal_basis, data_categories, retired_at FROM purposes WHERE key = $1',
      [key],
    );
    return r ? { id: r.id, key: r.key, legalBasis: r.legal_basis, dataCategories: r.data_categories, retired: r.retired_at !== null } : undefined;
  }

  /** A purpose's id by key, or undefined (compliance's consent coverage). */
  async idByKey(m: EntityManager, key: string): Promise<string | undefined> {
    const [r] = await queryRows<{ id: string }>(m, 'SELECT id FROM purposes WHERE key = $1', [key]);
    return r?.id;
  }

  /** A purpose's key by id ('' when none). */
  async keyOf(id: string, m: EntityManager = this.tx.manager): Promise<string> {
    const [r] = await queryRows<{ key: string }>(m, 'SELECT key FROM purposes WHERE id = $1', [id]);
    return r?.key ?? '';
  }

  /** Keys by id, for the ids given (one query). */
  async keysOf(m: EntityManager, ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await queryRows<{ id: string; key: string }>(m, 'SELECT id, key FROM purposes WHERE id = ANY($1::uuid[])', [ids]);
    return new Map(rows.map((r) => [r.id, r.key]));
  }

  /** Key and legal basis by id (the consent export shows both beside each consent). */
  async basicsOf(m: EntityManager, ids: string[]): Promise<Map<string, { key: string; legal_basis: string }>> {
    if (ids.length === 0) return new Map();
    const rows = await queryRows<{ id: string; key: string; legal_basis: string }>(
      m,
      'SELECT id, key, legal_basis FROM purposes WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return new Map(rows.map((r) => [r.id, { key: r.key, legal_basis: r.legal_basis }]));
  }

  /** The export's `purposes` section: what each purpose concerned is for, on which legal basis, kept how long. */
  async describedByKeys(
    m: EntityManager,
    keys: string[],
  ): Promise<{ key: string; name: string; description: string; legal_basis: string; data_categories: string[]; retention_days: number | null; retired_at: Date | null }[]> {
    if (keys.length === 0) return [];
    return queryRows(
      m,
      'SELECT key, name, description, legal_basis, data_categories, retention_days, retired_at FROM purposes WHERE key = ANY($1::text[]) ORDER BY key',
      [keys],
    );
  }

  async forReceipt(id: string): Promise<PurposeForReceipt> {
    const [p] = await queryRows<{ id: string; key: string; name: string; description: string; legal_basis: string; data_categories: string[] }>(
      this.tx.manager,
      'SELECT id, key, name, description, legal_basis, data_categories FROM purposes WHERE id = $1',
      [id],
    );
    return { id: p.id, key: p.key, name: p.name, description: p.description, legalBasis: p.legal_basis, dataCategories: p.data_categories };
  }

  create(values: Omit<Purpose, 'id' | 'version' | 'createdAt' | 'updatedAt'>): Promise<Purpose> {
    return this.repo.save(this.repo.create(values));
  }

  save(p: Purpose): Promise<Purpose> {
    return this.repo.save(p);
  }

  findById(id: string, lock = false): Promise<Purpose | null> {
    return this.repo.findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  }

  page<T>(q: PageQueryDto, map: (p: Purpose) => T): Promise<Page<T>> {
    return pageByCreation(this.repo, q, map);
  }
}
