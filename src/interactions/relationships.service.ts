import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors/domain.error.js';
import { decodeCursor, encodeCursor, Page, PageQueryDto, pageSize } from '../common/http/pagination.js';
import { TransactionService } from '../database/transaction.service.js';
import { iso, queryRows } from '../database/sql.js';
import { ContactRelationshipResponseDto, RelationshipResponseDto } from './dto/interaction.response.dto.js';
import { strengthWeightSql } from './strength.js';

/**
 * Who knows whom: the staff who authored or took part in a contact's non-archived interactions, ranked by
 * strength = Σ exp(-ageDays / 90) over the shared interactions (see strength.ts).
 */
@Injectable()
export class RelationshipsService {
  constructor(private readonly tx: TransactionService) {}

  async forContact(contactId: string, q: PageQueryDto): Promise<Page<RelationshipResponseDto>> {
    const m = this.tx.manager;
    const [c] = await queryRows(m, 'SELECT 1 FROM contacts WHERE id = $1', [contactId]);
    if (!c) throw new NotFoundError('Contact', contactId);
    const { limit, offset } = this.window(q);
    const rows = await queryRows<{ user_id: string; name: string; n: number; last: Date; strength: number }>(
      m,
      `WITH ints AS (
         SELECT i.id, i.occurred_at, i.author_id
           FROM interaction_contacts ic JOIN interactions i ON i.id = ic.interaction_id
          WHERE ic.contact_id = $1 AND i.archived_at IS NULL),
       links AS (
         SELECT ints.author_id AS user_id, ints.id AS interaction_id, ints.occurred_at FROM ints WHERE ints.author_id IS NOT NULL
         UNION
         SELECT p.user_id, ints.id, ints.occurred_at FROM ints JOIN interaction_participants p ON p.interaction_id = ints.id)
       SELECT l.user_id, u.name, count(*)::int AS n, max(l.occurred_at) AS last,
              round(sum(${strengthWeightSql('l.occurred_at')})::numeric, 3)::float8 AS strength
         FROM links l JOIN users u ON u.id = l.user_id
        GROUP BY l.user_id, u.name
        ORDER BY strength DESC, last DESC, l.user_id
        LIMIT ${limit + 1} OFFSET ${offset}`,
      [contactId],
    );
    return this.toPage(rows, limit, offset, (r) => ({
      userId: r.user_id,
      name: r.name,
      interactionCount: r.n,
      lastInteractionAt: iso(r.last)!,
      strength: r.strength,
    }));
  }

  async forUser(userId: string, q: PageQueryDto): Promise<Page<ContactRelationshipResponseDto>> {
    const m = this.tx.manager;
    const [u] = await queryRows(m, 'SELECT 1 FROM users WHERE id = $1', [userId]);
    if (!u) throw new NotFoundError('User', userId);
    const { limit, offset } = this.window(q);
    const rows = await queryRows<{ contact_id: string; given_name: string; family_name: string; organisation_id: string | null; n: number; last: Date; strength: number }>(
      m,
      `WITH mine AS (
         SELECT i.id AS interaction_id, i.occurred_at FROM interactions i WHERE i.author_id = $1 AND i.archived_at IS NULL
         UNION
         SELECT i.id, i.occurred_at FROM interaction_participants p JOIN interactions i ON i.id = p.interaction_id
          WHERE p.user_id = $1 AND i.archived_at IS NULL)
       SELECT c.id AS contact_id, c.given_name, c.family_name, c.organisation_id, count(*)::int AS n, max(l.occurred_at) AS last,
              round(sum(${strengthWeightSql('l.occurred_at')})::numeric, 3)::float8 AS strength
         FROM mine l
         JOIN interaction_contacts ic ON ic.interaction_id = l.interaction_id
         JOIN contacts c ON c.id = ic.contact_id AND c.erased_at IS NULL
        GROUP BY c.id
        ORDER BY strength DESC, last DESC, c.id
        LIMIT ${limit + 1} OFFSET ${offset}`,
      [userId],
    );
    return this.toPage(rows, limit, offset, (r) => ({
      contactId: r.contact_id,
      givenName: r.given_name,
      familyName: r.family_name,
      organisationId: r.organisation_id,
      interactionCount: r.n,
      lastInteractionAt: iso(r.last)!,
      strength: r.strength,
    }));
  }

  private window(q: PageQueryDto) {
    const limit = pageSize(q);
    const [offset] = decodeCursor<[number]>(q.cursor, 1) ?? [0];
    return { limit, offset: Number.isInteger(offset) && offset >= 0 ? offset : 0 };
  }

  private toPage<R, T>(rows: R[], limit: number, offset: number, map: (r: R) => T): Page<T> {
    const more = rows.length > limit;
    return { items: rows.slice(0, limit).map(map), nextCursor: more ? encodeCursor([offset + limit]) : null };
  }
}
