import { Injectable } from '@nestjs/common';
import { TransactionService } from '../database/transaction.service.js';
import { ValidationFailedError } from '../common/errors/domain.error.js';
import { decodeCursor, pageSize, toPage } from '../common/http/pagination.js';
import { UpcomingKeyDatesDto, UpcomingKeyDatesQueryDto } from './dto/key-date.dto.js';
import type { KeyDateKind } from './key-dates.js';
import { todayUtc } from './key-dates.js';
import { KeyDatesRepository } from './key-dates.repository.js';

export const DEFAULT_WITHIN_DAYS = 14;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The page key `[nextOccurrence, contactId, ord]` of a cursor this API issued (400 for anything else). */
function afterKey(cursor: string | undefined): { day: string; contactId: string; ord: number } | undefined {
  const key = decodeCursor<[unknown, unknown, unknown]>(cursor, 3);
  if (!key) return undefined;
  const [day, contactId, ord] = key;
  if (typeof day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(day) || typeof contactId !== 'string' || !UUID.test(contactId)
    || !Number.isSafeInteger(ord) || (ord as number) < 1) {
    throw new ValidationFailedError('cursor is not a cursor this API issued', [{ field: 'cursor', message: 'invalid cursor' }]);
  }
  return { day, contactId, ord: ord as number };
}

/** Upcoming birthdays, anniversaries and other key dates of contacts: the small courtesies. */
@Injectable()
export class KeyDatesService {
  constructor(
    private readonly tx: TransactionService,
    private readonly repo: KeyDatesRepository,
  ) {}

  /** Key dates whose next occurrence (today, UTC, included) is at most `withinDays` days away, soonest first. */
  async upcoming(q: UpcomingKeyDatesQueryDto, now = new Date()): Promise<UpcomingKeyDatesDto> {
    const limit = pageSize(q);
    const rows = await this.repo.upcoming(this.tx.manager, todayUtc(now), q.withinDays ?? DEFAULT_WITHIN_DAYS, limit, afterKey(q.cursor));
    return toPage(
      rows,
      limit,
      (r) => ({
        contactId: r.contact_id,
        kind: r.kind as KeyDateKind,
        date: r.date,
        nextOccurrence: r.next_occurrence,
        label: r.label ?? null,
      }),
      (r) => [r.next_occurrence, r.contact_id, Number(r.ord)],
    );
  }
}
