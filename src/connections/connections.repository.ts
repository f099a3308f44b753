import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { afterCreated } from '../common/http/pagination.js';
import { queryRows } from '../database/sql.js';
import type { ConnectionKind } from './dto/connection.dto.js';

export interface ConnectionRow {
  id: string;
  from_contact_id: string;
  to_contact_id: string;
  kind: ConnectionKind;
  note: string | null;
  created_by: string | null;
  version: number;
  created_at: Date;
  created_key: string;
}

const COLUMNS = `c.id, c.from_contact_id, c.to_contact_id, c.kind, c.note, c.created_by, c.version, c.created_at,
  c.created_at::text AS created_key`;

const isUniqueViolation = (err: unknown) =>
  ((err as { driverError?: { code?: string } }).driverError?.code ?? (err as { code?: string }).code) === '23505';

/** contact_connections: every SQL statement on it. */
@Injectable()
export class ConnectionsRepository {
  /** The new row, or null when the pair already has this kind (in either direction). */
  async insert(
    m: EntityManager,
    r: { from: string; to: string; kind: ConnectionKind; note: string | null; createdBy: string | null },
  ): Promise<ConnectionRow | null> {
    // ON CONFLICT cannot name an expression index by its columns portably; a savepoint keeps the transaction usable.
    await m.query('SAVEPOINT connection_insert');
    try {
      const [row] = await queryRows<ConnectionRow>(
        m,
        `INSERT INTO contact_connections AS c (from_contact_id, to_contact_id, kind, note, created_by)
         VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
        [r.from, r.to, r.kind, r.note, r.createdBy],
      );
      await m.query('RELEASE SAVEPOINT connection_insert');
      return row;
    } catch (err) {
      await m.query('ROLLBACK TO SAVEPOINT connection_insert');
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  /** The connection if it touches the contact (either end). */
  /** The connection if it involves the contact; `lock`: locked for a change in this transaction. */
  async findOfContact(m: EntityManager, contactId: string, id: string, lock = false): Promise<ConnectionRow | undefined> {
    const [row] = await queryRows<ConnectionRow>(
      m,
      `SELECT ${COLUMNS} FROM contact_connections c WHERE c.id = $1 AND (c.from_contact_id = $2 OR c.to_contact_id = $2)${lock ? ' FOR UPDATE' : ''}`,
      [id, contactId],
    );
    return row;
  }

  async delete(m: EntityManager, id: string): Promise<void> {
    await m.query('DELETE FROM contact_connections WHERE id = $1', [id]);
  }

  /** The contact's connections, both directions, oldest first: one page (limit + 1 rows) after the cursor. */
  listOfContact(m: EntityManager, contactId: string, cursor: string | undefined, limit: number): Promise<ConnectionRow[]> {
    const params: unknown[] = [contactId];
    const after = afterCreated(cursor, 'c', 'asc', (v) => `$${params.push(v)}`);
    return queryRows<ConnectionRow>(
      m,
      `SELECT ${COLUMNS} FROM contact_connections c
        WHERE (c.from_contact_id = $1 OR c.to_contact_id = $1) ${after ? `AND ${after}` : ''}
        ORDER BY c.created_at, c.id LIMIT ${limit + 1}`,
      params,
    );
  }

  /** Every connection of the contact, as stored (export). */
  rawRowsOfContact(m: EntityManager, contactId: string): Promise<Record<string, unknown>[]> {
    return queryRows(
      m,
      `SELECT * FROM contact_connections WHERE from_contact_id = $1 OR to_contact_id = $1 ORDER BY created_at, id`,
      [contactId],
    );
  }

  /** Erasure: the person's connections go (who knows whom is personal data of both). */
  async deleteOfContact(m: EntityManager, contactId: string): Promise<number> {
    return (await queryRows(m, 'DELETE FROM contact_connections WHERE from_contact_id = $1 OR to_contact_id = $1 RETURNING 1', [contactId])).length;
  }

  /**
   * Merge, set-based: the duplicate's connections move to the survivor. Dropped first: a connection between the
   * two (it would connect the survivor to itself) and one whose other end and kind the survivor already has (in
   * either direction: it would repeat the pair). Then both ends are repointed in one UPDATE.
   */
  async moveTo(m: EntityManager, survivorId: string, duplicateId: string): Promise<{ moved: number; dropped: number }> {
    const selfLinks = await queryRows(
      m,
      `DELETE FROM contact_connections
        WHERE (from_contact_id = $1 AND to_contact_id = $2) OR (from_contact_id = $2 AND to_contact_id = $1) RETURNING 1`,
      [survivorId, duplicateId],
    );
    const repeats = await queryRows(
      m,
      `DELETE FROM contact_connections d
        WHERE (d.from_contact_id = $2 OR d.to_contact_id = $2)
          AND EXISTS (SELECT 1 FROM contact_connections s
                       WHERE s.kind = d.kind AND (s.from_contact_id = $1 OR s.to_contact_id = $1)
                         AND (CASE WHEN s.from_contact_id = $1 THEN s.to_contact_id ELSE s.from_contact_id END)
                           = (CASE WHEN d.from_contact_id = $2 THEN d.to_contact_id ELSE d.from_contact_id END))
        RETURNING 1`,
      [survivorId, duplicateId],
    );
    const moved = await queryRows(
      m,
      `UPDATE contact_connections
          SET from_contact_id = CASE WHEN from_contact_id = $2 THEN $1::uuid ELSE from_contact_id END,
              to_contact_id = CASE WHEN to_contact_id = $2 THEN $1::uuid ELSE to_contact_id END,
              version = version + 1
        WHERE from_contact_id = $2 OR to_contact_id = $2 RETURNING 1`,
      [survivorId, duplicateId],
    );
    return { moved: moved.length, dropped: selfLinks.length + repeats.length };
  }
}
