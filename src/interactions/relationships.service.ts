import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors/domain.error.js';
import { decodeCursor, encodeCursor, Page, PageQueryDto, pageSize } from '../common/http/pagination.js';
import { ContactsRepository } from '../contacts/contacts.repository.js';
import { TransactionService } from '../database/transaction.service.js';
import { iso } from '../database/sql.js';
import { UsersRepository } from '../users/users.repository.js';
import { ContactRelationshipResponseDto, RelationshipResponseDto } from './dto/interaction.response.dto.js';
import { contactsOfUser, staffOfContact } from './relationships.query.js';

/**
 * Who knows whom: the staff who authored or took part in a contact's non-archived interactions, ranked by
 * strength = Σ exp(-ageDays / 90) over the shared interactions (see strength.ts).
 */
@Injectable()
export class RelationshipsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly contacts: ContactsRepository,
    private readonly users: UsersRepository,
  ) {}

  async forContact(contactId: string, q: PageQueryDto): Promise<Page<RelationshipResponseDto>> {
    const m = this.tx.manager;
    if (!(await this.contacts.exists(m, contactId))) throw new NotFoundError('Contact', contactId);
    const { limit, offset } = this.window(q);
    const rows = await staffOfContact(m, contactId, limit, offset);
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
    if (!(await this.users.exists(m, userId))) throw new NotFoundError('User', userId);
    const { limit, offset } = this.window(q);
    const rows = await contactsOfUser(m, userId, limit, offset);
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
