import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { afterCreated, decodeCursor } from '../common/http/pagination.js';
import { setArchived } from '../database/archived.js';
import { queryRows } from '../database/sql.js';
import { ORGANISATION_COLUMNS, OrganisationRow } from './organisation.mapper.js';

export type { OrganisationRow } from './organisation.mapper.js';

/** Filters of an organisation list (see ListOrganisationsQueryDto). */
export interface OrganisationFilter {
  includeArchived?: boolean;
  kind?: string;
  parentId?: string;
  tag?: string;
  cursor?: string;
}

/** An organisation created by name (contact import). */
export interface NamedOrganisation {
  id: string;
  name: string;
  /** lower(name) */
  lname: string;
}

/**
 * The `organisations` table (networks are organisations of kind `network`): every SQL statement on it. Other
 * folders check existence and kind here instead of querying the table themselves.
 */
@Injectable()
export class OrganisationsRepository {
  /** Whether an organisation with this id exists (archived ones included). */
  async exists(m: EntityManager, id: string): Promise<boolean> {
    const rows = await queryRows(m, 'SELECT 1 FROM organisations WHERE id = $1', [id]);
    return rows.length > 0;
  }

  /**
   * For a statement composed of several owners' parts (database/composed-write.ts): the condition "the organisation
   * exists", true when the id (a placeholder typed uuid) is null.
   */
  existsCondition(id: string): string {
    return `(${id} IS NULL OR EXISTS (SELECT 1 FROM organisations WHERE id = ${id}))`;
  }

  /** The organisation's kind (`network`, …), or null for an unknown id. */
  async kindOf(m: EntityManager, id: string): Promise<string | null> {
    const [o] = await queryRows<{ kind: string }>(m, 'SELECT kind FROM organisations WHERE id = $1', [id]);
    return o ? o.kind : null;
  }

  /** One organisation; `lock` takes a row lock (FOR UPDATE) for the rest of the transaction. */
  async findById(m: EntityManager, id: string, lock = false): Promise<OrganisationRow | undefined> {
    const [row] = await queryRows<OrganisationRow>(
      m,
      `SELECT ${ORGANISATION_COLUMNS} FROM organisations o WHERE o.id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return row;
  }

  /** Inserts the given column values (column → value, in order). */
  async insert(m: EntityManager, values: [column: string, value: unknown][]): Promise<OrganisationRow> {
    const cols = values.map(([c]) => c);
    const [row] = await queryRows<OrganisationRow>(
      m,
      `INSERT INTO organisations AS o (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})
       RETURNING ${ORGANISATION_COLUMNS}`,
      values.map(([, v]) => v),
    );
    return row;
  }

  /** Sets the given columns, with a new version. */
  async update(m: EntityManager, id: string, values: [column: string, value: unknown][]): Promise<OrganisationRow> {
    const vals: unknown[] = [id];
    const sets = values.map(([col, v]) => `${col} = $${vals.push(v)}`);
    const [row] = await queryRows<OrganisationRow>(
      m,
      `UPDATE organisations o SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1
       RETURNING ${ORGANISATION_COLUMNS}`,
      vals,
    );
    return row;
  }

  /** Archives (or restores) the organisation, with a new version. */
  setArchived(m: EntityManager, id: string, archived: boolean): Promise<OrganisationRow> {
    return setArchived<OrganisationRow>(m, 'organisations', 'o', ORGANISATION_COLUMNS, id, archived);
  }


  /** Whether `selfId` is `parentId` or one of its ancestors (a new parent would make a cycle). */
  async isAncestorOrSelf(m: EntityManager, parentId: string, selfId: string): Promise<boolean> {
    const rows = await queryRows(
      m,
      `WITH RECURSIVE up(id, depth) AS (
         SELECT $1::uuid, 0
         UNION ALL
         SELECT o.parent_id, up.depth + 1 FROM organisations o JOIN up ON o.id = up.id
         WHERE o.parent_id IS NOT NULL AND up.depth < 1000)
       SELECT 1 FROM up WHERE id = $2::uuid LIMIT 1`,
      [parentId, selfId],
    );
    return rows.length > 0;
  }

  /** A page in creation order (`limit + 1` rows, so the caller can tell whether there is more). */
  async list(m: EntityManager, f: OrganisationFilter, limit: number): Promise<OrganisationRow[]> {
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    const where = filters(f, p);
    const after = afterCreated(f.cursor, 'o', 'asc', p);
    if (after) where.push(after);
    return queryRows<OrganisationRow>(
      m,
      `SELECT ${ORGANISATION_COLUMNS} FROM organisations o ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY o.created_at, o.id LIMIT ${limit + 1}`,
      params,
    );
  }

  /**
   * Organisations whose name matches `term` (lower-cased), best first (`limit + 1` rows with `score`). Sets the
   * transaction's trigram threshold first, so `m` must be a transaction's manager.
   */
  async search(
    m: EntityManager,
    f: OrganisationFilter,
    term: string,
    threshold: number,
    limit: number,
  ): Promise<OrganisationRow[]> {
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    const where = filters(f, p);
    const t = p(term);
    where.push(`(${t} <% lower(o.name) OR strpos(lower(o.name), ${t}) > 0)`);
    const after = decodeCursor<[string, string]>(f.cursor, 2);
    const cursorCond = after
      ? `WHERE (s.score < ${p(after[0])}::numeric OR (s.score = ${p(after[0])}::numeric AND s.id > ${p(after[1])}::uuid))`
      : '';
    await m.query(`SELECT set_config('pg_trgm.word_similarity_threshold', '${threshold}', true)`);
    return m.query(
      `SELECT * FROM (
         SELECT ${ORGANISATION_COLUMNS},
           round(greatest(word_similarity(${t}, lower(o.name)), similarity(${t}, lower(o.name)),
                          CASE WHEN lower(o.name) = ${t} THEN 1 ELSE 0 END)::numeric, 6) AS score
         FROM organisations o WHERE ${where.join(' AND ')}) s
       ${cursorCond}
       ORDER BY s.score DESC, s.id ASC LIMIT ${limit + 1}`,
      params,
    );
  }

  /**
   * Non-archived organisations by lower-cased name (the oldest when several share one): lower(name) → id.
   * For the contact import, which matches organisations by name.
   */
  async idsByLowerName(m: EntityManager, lowerNames: string[]): Promise<{ id: string; lname: string }[]> {
    return queryRows<{ id: string; lname: string }>(
      m,
      `SELECT DISTINCT ON (lower(name)) id, lower(name) AS lname FROM organisations
       WHERE lower(name) = ANY($1::text[]) AND archived_at IS NULL ORDER BY lower(name), created_at, id`,
      [lowerNames],
    );
  }

  /** Creates one organisation (kind `other`) per name, in one statement. */
  async createByNames(m: EntityManager, names: string[]): Promise<NamedOrganisation[]> {
    return queryRows<NamedOrganisation>(
      m,
      `INSERT INTO organisations (name) SELECT unnest($1::text[]) RETURNING id, name, lower(name) AS lname`,
      [names],
    );
  }

  /** The name of one organisation, or null. */
  async nameOf(m: EntityManager, id: string): Promise<string | null> {
    const [o] = await queryRows<{ name: string }>(m, 'SELECT name FROM organisations WHERE id = $1', [id]);
    return o ? o.name : null;
  }
}

function filters(f: OrganisationFilter, p: (v: unknown) => string): string[] {
  const where: string[] = [];
  if (!f.includeArchived) where.push('o.archived_at IS NULL');
  if (f.kind) where.push(`o.kind = ${p(f.kind)}`);
  if (f.parentId) where.push(`o.parent_id = ${p(f.parentId)}`);
  if (f.tag) where.push(`o.tags @> ARRAY[${p(f.tag)}]::text[]`);
  return where;
}
