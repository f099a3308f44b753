import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { afterCreated } from '../common/http/pagination.js';
import { queryRows } from '../database/sql.js';

/** A row of legal_bases, with the exact (microsecond) creation time as text for keyset pages. */
export interface LegalBasisRow {
  id: string;
  contact_id: string;
  purpose_id: string;
  reference: string;
  valid_from: Date;
  valid_until: Date | null;
  ended_at: Date | null;
  end_reason: string | null;
  ended_by: string | null;
  created_at: Date;
  created_by: string | null;
  k: string;
}

const COLUMNS = `b.id, b.contact_id, b.purpose_id, b.reference, b.valid_from, b.valid_until, b.ended_at, b.end_reason,
                 b.ended_by, b.created_at, b.created_by, b.created_at::text AS k`;

/** The legal_bases table (append-only: insert, end once, erasure's pseudonymisation). The gate reads it in consent-gate.query.ts. */
@Injectable()
export class LegalBasesRepository {
  async insert(
    m: EntityManager,
    v: { contactId: string; purposeId: string; reference: string; validFrom: Date; validUntil: Date | null; createdBy: string | null },
  ): Promise<LegalBasisRow> {
    const [row] = await queryRows<LegalBasisRow>(
      m,
      `INSERT INTO legal_bases AS b (contact_id, purpose_id, reference, valid_from, valid_until, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [v.contactId, v.purposeId, v.reference, v.validFrom, v.validUntil, v.createdBy],
    );
    return row;
  }

  async find(m: EntityManager, id: string, lock = false): Promise<LegalBasisRow | undefined> {
    const [row] = await queryRows<LegalBasisRow>(m, `SELECT ${COLUMNS} FROM legal_bases b WHERE b.id = $1 ${lock ? 'FOR NO KEY UPDATE' : ''}`, [id]);
    return row;
  }

  async contactIdOf(m: EntityManager, id: string): Promise<string | undefined> {
    const [row] = await queryRows<{ contact_id: string }>(m, 'SELECT contact_id FROM legal_bases WHERE id = $1', [id]);
    return row?.contact_id;
  }

  /** Ends a basis that is not ended yet; undefined when it already was. */
  async end(m: EntityManager, id: string, reason: string | null, by: string | null): Promise<LegalBasisRow | undefined> {
    const [row] = await queryRows<LegalBasisRow>(
      m,
      `UPDATE legal_bases b SET ended_at = now(), end_reason = $2, ended_by = $3
        WHERE b.id = $1 AND b.ended_at IS NULL RETURNING ${COLUMNS}`,
      [id, reason, by],
    );
    return row;
  }

  /** A page of a contact's bases, newest first. */
  page(m: EntityManager, contactId: string, limit: number, cursor: string | undefined): Promise<LegalBasisRow[]> {
    const params: unknown[] = [contactId, limit + 1];
    const after = afterCreated(cursor, 'b', 'desc', (v) => `$${params.push(v)}`);
    return queryRows<LegalBasisRow>(
      m,
      `SELECT ${COLUMNS} FROM legal_bases b WHERE b.contact_id = $1 ${after ? `AND ${after}` : ''}
        ORDER BY b.created_at DESC, b.id DESC LIMIT $2`,
      params,
    );
  }

  /** Every basis of the contact, oldest first (export). */
  allOf(m: EntityManager, contactId: string): Promise<LegalBasisRow[]> {
    return queryRows<LegalBasisRow>(m, `SELECT ${COLUMNS} FROM legal_bases b WHERE b.contact_id = $1 ORDER BY b.created_at, b.id`, [contactId]);
  }

  /**
   * Erasure: the rows stay as proof that processing rested on a basis (purpose, validity, who recorded it), but the
   * free-text reference may name the person (a contract number, a case file), so it is replaced; live bases end.
   */
  async pseudonymise(m: EntityManager, contactId: string): Promise<void> {
    await m.query(
      `UPDATE legal_bases SET reference = '[erased]',
              ended_at = COALESCE(ended_at, now()), end_reason = CASE WHEN ended_at IS NULL THEN 'contact erased' ELSE end_reason END
        WHERE contact_id = $1`,
      [contactId],
    );
  }
}
