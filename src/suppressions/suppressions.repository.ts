import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { afterCreated } from '../common/http/pagination.js';
import { queryRows } from '../database/sql.js';

export interface SuppressionRow {
  id: string;
  reason: string;
  created_at: Date;
  k: string;
}

/** The suppressions table: keyed hashes only (the hash never leaves this repository's callers in suppressions/). */
@Injectable()
export class SuppressionsRepository {
  /** Adds hashes not listed yet; returns the rows added. */
  insertMany(m: EntityManager, hashes: Buffer[], reason: string): Promise<SuppressionRow[]> {
    if (hashes.length === 0) return Promise.resolve([]);
    return queryRows<SuppressionRow>(
      m,
      `INSERT INTO suppressions (hash, reason) SELECT h, $2 FROM unnest($1::bytea[]) AS h
       ON CONFLICT (hash) DO NOTHING RETURNING id, reason, created_at, created_at::text AS k`,
      [hashes, reason],
    );
  }

  /** Which of these hashes are listed (hex). */
  async listed(m: EntityManager, hashes: Buffer[]): Promise<Set<string>> {
    if (hashes.length === 0) return new Set();
    const rows = await queryRows<{ hash: Buffer }>(m, 'SELECT hash FROM suppressions WHERE hash = ANY($1::bytea[])', [hashes]);
    return new Set(rows.map((r) => Buffer.from(r.hash).toString('hex')));
  }

  /**
   * For a statement composed of several owners' parts (database/composed-write.ts): the condition "one of these
   * hashes (a placeholder typed bytea[]) is listed".
   */
  listedCondition(hashes: string): string {
    return `EXISTS (SELECT 1 FROM suppressions WHERE hash = ANY(${hashes}))`;
  }

  /** A page, newest first. */
  page(m: EntityManager, limit: number, cursor: string | undefined): Promise<SuppressionRow[]> {
    const params: unknown[] = [limit + 1];
    const after = afterCreated(cursor, 's', 'desc', (v) => `$${params.push(v)}`);
    return queryRows<SuppressionRow>(
      m,
      `SELECT s.id, s.reason, s.created_at, s.created_at::text AS k FROM suppressions s
        ${after ? `WHERE ${after}` : ''} ORDER BY s.created_at DESC, s.id DESC LIMIT $1`,
      params,
    );
  }

  async delete(m: EntityManager, id: string): Promise<SuppressionRow | undefined> {
    const [row] = await queryRows<SuppressionRow>(m, 'DELETE FROM suppressions WHERE id = $1 RETURNING id, reason, created_at, created_at::text AS k', [id]);
    return row;
  }
}
