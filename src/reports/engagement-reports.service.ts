import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig } from '../config/app.config.js';
import { TransactionService } from '../database/transaction.service.js';
import { EventsService } from '../events/events.service.js';
import { iso } from '../database/sql.js';
import {
  ActiveOrganisationDto,
  FollowUpCountsDto,
  FollowUpReportQueryDto,
  FollowUpReportResponseDto,
  NetworkReportResponseDto,
  ReportWindowQueryDto,
} from './dto/engagement-report.dto.js';
import { CountRow, followUpFigures, networkFigures, ReportWindow } from './engagement-reports.query.js';

const counts = (r: CountRow): FollowUpCountsDto => ({
  open: r.open,
  overdue: r.overdue,
  doneOnTime: r.done_on_time,
  doneLate: r.done_late,
  cancelled: r.cancelled,
  total: r.total,
  onTimeRate: r.done_on_time + r.done_late === 0 ? null : Math.round((r.done_on_time / (r.done_on_time + r.done_late)) * 1000) / 1000,
});

export const RECIPROCITY_TARGET = { give: 0.7, exchange: 0.2, ask: 0.1 } as const;

/** Figures for management, aggregated in PostgreSQL (no rows are loaded into Node). */
@Injectable()
export class EngagementReportsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly events: EventsService,
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  /** With `eventId`: that event's follow-ups and its follow-through (404 for an unknown event). */
  async followUps(q: FollowUpReportQueryDto): Promise<FollowUpReportResponseDto> {
    const m = this.tx.manager;
    const params: ReportWindow = [q.from ? new Date(q.from) : null, q.to ? new Date(q.to) : null];
    // The event first: an unknown id is a 404 before any figure is computed.
    const ft = q.eventId ? await this.events.followThrough(q.eventId) : undefined;
    const { all, byAssignee, byEvent } = await followUpFigures(m, params, q.eventId ?? null);
    return {
      ...counts(all),
      byAssignee: byAssignee.map((r) => ({ assigneeId: r.assignee_id, assigneeName: r.name, ...counts(r) })),
      byEvent: byEvent.map((r) => ({ eventId: r.event_id, eventName: r.name, ...counts(r) })),
      ...(ft && {
        followThrough: {
          eventId: ft.eventId,
          attendees: ft.attendees,
          met: ft.met,
          followedUp: ft.followedUp,
          followedUpInTime: ft.followedUpInTime,
          open: ft.open,
          notContacted: ft.notContacted,
        },
      }),
    };
  }

  async network(q: ReportWindowQueryDto): Promise<NetworkReportResponseDto> {
    const m = this.tx.manager;
    const params: ReportWindow = [q.from ? new Date(q.from) : null, q.to ? new Date(q.to) : null];
    const days = this.config.dormantDays;
    const { months, rec, byOwner, byStaff, active, networks } = await networkFigures(m, params, days);
    const perMonth = new Map<string, { month: string; total: number; byType: Record<string, number> }>();
    for (const r of months) {
      const e = perMonth.get(r.month) ?? { month: r.month, total: 0, byType: {} };
      e.total += r.n;
      e.byType[r.type] = r.n;
      perMonth.set(r.month, e);
    }

    const specified = rec.give + rec.exchange + rec.ask;
    const share = (n: number) => (specified === 0 ? null : Math.round((n / specified) * 1000) / 1000);
    const dev = (n: number, target: number) => (specified === 0 ? null : Math.round((n / specified - target) * 1000) / 1000);

    const toActive = (r: { id: string; name: string; kind: string; n: number; last: Date }): ActiveOrganisationDto => ({
      organisationId: r.id,
      name: r.name,
      kind: r.kind,
      interactions: r.n,
      lastInteractionAt: iso(r.last)!,
    });

    return {
      interactionsPerMonth: [...perMonth.values()],
      reciprocity: {
        ...rec,
        share: { give: share(rec.give), exchange: share(rec.exchange), ask: share(rec.ask) },
        target: { ...RECIPROCITY_TARGET },
        deviation: {
          give: dev(rec.give, RECIPROCITY_TARGET.give),
          exchange: dev(rec.exchange, RECIPROCITY_TARGET.exchange),
          ask: dev(rec.ask, RECIPROCITY_TARGET.ask),
        },
      },
      dormant: {
        days,
        total: byOwner.reduce((s, r) => s + r.dormant, 0),
        byOwner: byOwner.map((r) => ({ ownerId: r.owner_id, ownerName: r.name, contacts: r.contacts, dormant: r.dormant, neverInteracted: r.never })),
        byStaff: byStaff.map((r) => ({ userId: r.user_id, name: r.name, relationships: r.relationships, dormant: r.dormant })),
      },
      mostActiveOrganisations: active.map(toActive),
      mostActiveNetworks: networks.map(toActive),
    };
  }
}
