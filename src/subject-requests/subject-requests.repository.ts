import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { iso, queryRows } from '../database/sql.js';
import type { SubjectRequestResponseDto } from './dto/subject-request.dto.js';

export const SUBJECT_REQUEST_KINDS = ['access', 'rectification', 'erasure', 'restriction', 'portability', 'objection'] as const;
export type SubjectRequestKind = (typeof SUBJECT_REQUEST_KINDS)[number];
export const SUBJECT_REQUEST_STATUSES = ['open', 'done', 'rejected', 'extended'] as const;
export type SubjectRequestStatus = (typeof SUBJECT_REQUEST_STATUSES)[number];
export type AnsweredWith = 'export' | 'erasure' | 'manual';

export interface SubjectRequestRow {
  id: string;
  kind: SubjectRequestKind;
  contact_id: string | null;
  status: SubjectRequestStatus;
  received_at: Date;
  due_at: Date;
  due_key: string;
  channel: string | null;
  note: string | null;
  extended_at: Date | null;
  closed_at: Date | null;
  answered_with: AnsweredWith | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, kind, contact_id, status, received_at, due_at, due_at::text AS due_key, channel, note, extended_at,
  closed_at, answered_with, version, created_at, updated_at`;

/** Still to be answered: open, or extended and not yet answered. */
const PENDING = `status IN ('open', 'extended')`;

export const toSubjectRequestResponse = (r: SubjectRequestRow, now = new Date()): SubjectRequestResponseDto => ({
  id: r.id,
  kind: r.kind,
  contactId: r.contact_id,
  status: r.status,
  receivedAt: iso(r.received_at)!,
  dueAt: iso(r.due_at)!,
  overdue: (r.status === 'open' || r.status === 'extended') && new Date(r.due_at) < now,
  channel: r.channel,
  note: r.note,
  extendedAt: iso(r.extended_at),
  closedAt: iso(r.closed_at),
  answeredWith: r.answered_with,
  version: r.version,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

export interface SubjectRequestFilter {
  status?: SubjectRequestStatus;
  kind?: SubjectRequestKind;
  overdue?: boolean;
  dueWithinDays?: number;
  contactId?: string;
  /** Keyset: rows after (due_at, id). */
  after?: [string, string];
}

/** What the timeliness report (GET /reports/subject-requests) reads of the register. */
export interface SubjectRequestStats {
  byKind: Record<string, number>;
  byStatus: Record<string, number>;
  /** Not answered (open or extended) and past due. */
  overdue: number;
  /** Median days from receipt to the answer (closed_at) over done and rejected requests; null when none. */
  medianDaysToAnswer: number | null;
}

/** The subject_requests table (hand-written SQL: keyset pages on the due date, conditional updates). */
@Injectable()
export class SubjectRequestsRepository {
  async insert(
    m: EntityManager,
    r: { kind: SubjectRequestKind; contactId: string | null; receivedAt: Date; dueAt: Date; channel: string | null; note: string | null; createdBy: string | null },
  ): Promise<SubjectRequestRow> {
    const [row] = await queryRows<SubjectRequestRow>(
      m,
      `INSERT INTO subject_requests (kind, contact_id, received_at, due_at, channel, note, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [r.kind, r.contactId, r.receivedAt, r.dueAt, r.channel, r.note, r.createdBy],
    );
    return row;
  }

  async find(m: EntityManager, id: string, lock = false): Promise<SubjectRequestRow | undefined> {
    const [row] = await queryRows<SubjectRequestRow>(m, `SELECT ${COLUMNS} FROM subject_requests WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
    return row;
  }

  /** Most urgent first (due date, then id): one page of `limit + 1` rows. */
  list(m: EntityManager, f: SubjectRequestFilter, limit: number): Promise<SubjectRequestRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (f.status) where.push(`status = ${p(f.status)}`);
    if (f.kind) where.push(`kind = ${p(f.kind)}`);
    if (f.contactId) where.push(`contact_id = ${p(f.contactId)}`);
    if (f.overdue === true) where.push(`${PENDING} AND due_at < now()`);
    if (f.overdue === false) where.push(`NOT (${PENDING} AND due_at < now())`);
    if (f.dueWithinDays !== undefined) where.push(`${PENDING} AND due_at <= now() + make_interval(days => ${p(f.dueWithinDays)}::int)`);
    if (f.after) where.push(`(due_at, id) > (${p(f.after[0])}::timestamptz, ${p(f.after[1])}::uuid)`);
    return queryRows<SubjectRequestRow>(
      m,
      `SELECT ${COLUMNS} FROM subject_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY due_at, id LIMIT ${p(limit + 1)}`,
      params,
    );
  }

  async update(
    m: EntityManager,
    id: string,
    c: { status: SubjectRequestStatus; note?: string; dueAt?: Date; extendedAt?: Date; closedAt: Date | null; answeredWith: AnsweredWith | null; contactId?: string },
  ): Promise<SubjectRequestRow> {
    const [row] = await queryRows<SubjectRequestRow>(
      m,
      `UPDATE subject_requests
          SET status = $2,
              note = CASE WHEN $3::boolean THEN $4 ELSE note END,
              due_at = COALESCE($5, due_at),
              extended_at = COALESCE($6, extended_at),
              closed_at = $7,
              answered_with = $8,
              contact_id = COALESCE(contact_id, $9),
              version = version + 1, updated_at = now()
        WHERE id = $1
        RETURNING ${COLUMNS}`,
      [id, c.status, c.note !== undefined, c.note ?? null, c.dueAt ?? null, c.extendedAt ?? null, c.closedAt, c.answeredWith, c.contactId ?? null],
    );
    return row;
  }

  /** Export: every request about the contact, oldest first. */
  forContact(m: EntityManager, contactId: string): Promise<SubjectRequestRow[]> {
    return queryRows<SubjectRequestRow>(m, `SELECT ${COLUMNS} FROM subject_requests WHERE contact_id = $1 ORDER BY received_at, id`, [contactId]);
  }

  /** Erasure: the free-text note may name the person or others; the request itself stays as proof of the answer. */
  async eraseNotes(m: EntityManager, contactId: string): Promise<void> {
    await m.query(`UPDATE subject_requests SET note = NULL, channel = NULL, updated_at = now(), version = version + 1 WHERE contact_id = $1 AND (note IS NOT NULL OR channel IS NOT NULL)`, [contactId]);
  }

  /** The register's timeliness: counts by kind and status, overdue, median days from receipt to answer. */
  async stats(m: EntityManager, range: { from?: Date; to?: Date } = {}): Promise<SubjectRequestStats> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (range.from) where.push(`received_at >= $${params.push(range.from)}`);
    if (range.to) where.push(`received_at < $${params.push(range.to)}`);
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const groups = await queryRows<{ dim: string; value: string; n: string }>(
      m,
      `SELECT 'kind' AS dim, kind AS value, count(*) AS n FROM subject_requests ${w} GROUP BY kind
       UNION ALL SELECT 'status', status, count(*) FROM subject_requests ${w} GROUP BY status`,
      params,
    );
    const [agg] = await queryRows<{ overdue: string; median: string | null }>(
      m,
      `SELECT count(*) FILTER (WHERE ${PENDING} AND due_at < now()) AS overdue,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - received_at) / 86400)
                FILTER (WHERE status IN ('done', 'rejected') AND closed_at IS NOT NULL) AS median
         FROM subject_requests ${w}`,
      params,
    );
    const byKind: Record<string, number> = {};
    const byStatus: Record<string, number> = {};
    for (const g of groups) (g.dim === 'kind' ? byKind : byStatus)[g.value] = Number(g.n);
    return {
      byKind,
      byStatus,
      overdue: Number(agg.overdue),
      medianDaysToAnswer: agg.median === null ? null : Math.round(Number(agg.median) * 10) / 10,
    };
  }
}
