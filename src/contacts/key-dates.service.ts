import { Injectable } from '@nestjs/common';
import { TransactionService } from '../database/transaction.service.js';
import { UpcomingKeyDatesDto } from './dto/key-date.dto.js';
import type { KeyDateKind } from './key-dates.js';
import { todayUtc } from './key-dates.js';
import { KeyDatesRepository } from './key-dates.repository.js';

export const DEFAULT_WITHIN_DAYS = 14;

/** Upcoming birthdays, anniversaries and other key dates of contacts: the small courtesies. */
@Injectable()
export class KeyDatesService {
  constructor(
    private readonly tx: TransactionService,
    private readonly repo: KeyDatesRepository,
  ) {}

  /** Key dates whose next occurrence (today, UTC, included) is at most `withinDays` days away, soonest first. */
  async upcoming(withinDays = DEFAULT_WITHIN_DAYS, now = new Date()): Promise<UpcomingKeyDatesDto> {
    const rows = await this.repo.upcoming(this.tx.manager, todayUtc(now), withinDays);
    return {
      items: rows.map((r) => ({
        contactId: r.contact_id,
        kind: r.kind as KeyDateKind,
        date: r.date,
        nextOccurrence: r.next_occurrence,
        label: r.label ?? null,
      })),
    };
  }
}
