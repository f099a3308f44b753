import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig } from '../config/app.config.js';
import { TransactionService } from '../database/transaction.service.js';
import { iso, queryRows } from '../database/sql.js';
import {
  ActiveOrganisationDto,
  FollowUpCountsDto,
  FollowUpReportResponseDto,
  NetworkReportResponseDto,
  ReportWindowQueryDto,
} from './dto/engagement-report.dto.js';

const COUNTS = `
  count(*) FILTER (WHERE f.status = 'open')::int AS open,
  count(*) FILTER (WHERE f.status = 'open' AND f.due_at < now())::int AS overdue,
  count(*) FILTER (WHERE f.status = 'done' AND f.completed_at <= f.due_at)::int AS done_on_time,
  count(*) FILTER (WHERE f.status = 'done' AND f.completed_at > f.due_at)::int AS done_late,
  count(*) FILTER (WHERE f.status = 'cancelled')::int AS cancelled,
  count(*)::int AS total`;

interface CountRow {
  open: number;
  overdue: number;
  done_on_time: number;
  done_late: number;
  cancelled: number;
  total: number;
}

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
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  async followUps(q: ReportWindowQueryDto): Promise<FollowUpReportResponseDto> {
    const m = this.tx.manager;
    const params = [q.from ? new Date(q.from) : null, q.to ? new Date(q.to) : null];
    const window = `($1::timestamptz IS NULL OR f.due_at >= $1) AND ($2::timestamptz IS NULL OR f.due_at < $2)`;
    const [all] = await queryRows<CountRow>(m, `SELECT ${COUNTS} FROM follow_ups f WHERE ${window}`, params);
    const byAssignee = await queryRows<CountRow & { assignee_id: string | null; name: string | null }>(
      m,
      `SELECT f.assignee_id, u.name, ${COUNTS} FROM follow_ups f LEFT JOIN users u ON u.id = f.assignee_id
        WHERE ${window} GROUP BY f.assignee_id, u.name ORDER BY overdue DESC, open DESC, u.name NULLS LAST`,
      params,
    );
    const byEvent = await queryRows<CountRow & { event_id: string; name: string }>(
      m,
      `SELECT f.event_id, e.name, ${COUNTS} FROM follow_ups f JOIN events e ON e.id = f.event_id
        WHERE ${window} GROUP BY f.event_id, e.name, e.starts_at ORDER BY e.starts_at DESC, f.event_id`,
      params,
    );
    return {
      ...counts(all),
      byAssignee: byAssignee.map((r) => ({ assigneeId: r.assignee_id, assigneeName: r.name, ...counts(r) })),
      byEvent: byEvent.map((r) => ({ eventId: r.event_id, eventName: r.name, ...counts(r) })),
    };
  }

  async network(q: ReportWindowQueryDto): Promise<NetworkReportResponseDto> {
    const m = this.tx.manager;
    const params = [q.from ? new Date(q.from) : null, q.to ? new Date(q.to) : null];
    const window = `i.archived_at IS NULL AND ($1::timestamptz IS NULL OR i.occurred_at >= $1) AND ($2::timestamptz IS NULL OR i.occurred_at < $2)`;

    const months = await queryRows<{ month: string; type: string; n: number }>(
      m,
      `SELECT to_char(date_trunc('month', i.occurred_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, i.type, count(*)::int AS n
         FROM interactions i WHERE ${window} GROUP BY 1, 2 ORDER BY 1, 2`,
      params,
    );
    const perMonth = new Map<string, { month: string; total: number; byType: Record<string, number> }>();
    for (const r of months) {
      const e = perMonth.get(r.month) ?? { month: r.month, total: 0, byType: {} };
      e.total += r.n;
      e.byType[r.type] = r.n;
      perMonth.set(r.month, e);
    }

    const [rec] = await queryRows<{ give: number; exchange: number; ask: number; unspecified: number }>(
      m,
      `SELECT count(*) FILTER (WHERE i.reciprocity = 'give')::int AS give,
              count(*) FILTER (WHERE i.reciprocity = 'exchange')::int AS exchange,
              count(*) FILTER (WHERE i.reciprocity = 'ask')::int AS ask,
              count(*) FILTER (WHERE i.reciprocity IS NULL)::int AS unspecified
         FROM interactions i WHERE ${window}`,
      params,
    );
    const specified = rec.give + rec.exchange + rec.ask;
    const share = (n: number) => (specified === 0 ? null : Math.round((n / specified) * 1000) / 1000);
    const dev = (n: number, target: number) => (specified === 0 ? null : Math.round((n / specified - target) * 1000) / 1000);

    const days = this.config.dormantDays;
    const byOwner = await queryRows<{ owner_id: string | null; name: string | null; contacts: number; dormant: number; never: number }>(
      m,
      `SELECT c.owner_id, u.name, count(*)::int AS contacts,
              count(*) FILTER (WHERE c.last_interaction_at < now() - make_interval(days => $1))::int AS dormant,
              count(*) FILTER (WHERE c.last_interaction_at IS NULL)::int AS never
         FROM contacts c LEFT JOIN users u ON u.id = c.owner_id
        WHERE c.archived_at IS NULL AND c.erased_at IS NULL AND c.merged_into_id IS NULL
        GROUP BY c.owner_id, u.name ORDER BY dormant DESC, u.name NULLS LAST`,
      [days],
    );
    const byStaff = await queryRows<{ user_id: string; name: string; relationships: number; dormant: number }>(
      m,
      `WITH links AS (
         SELECT i.author_id AS user_id, ic.contact_id, i.occurred_at FROM interactions i
           JOIN interaction_contacts ic ON ic.interaction_id = i.id WHERE i.archived_at IS NULL AND i.author_id IS NOT NULL
         UNION ALL
         SELECT p.user_id, ic.contact_id, i.occurred_at FROM interactions i
           JOIN interaction_contacts ic ON ic.interaction_id = i.id
           JOIN interaction_participants p ON p.interaction_id = i.id WHERE i.archived_at IS NULL),
       pairs AS (
         SELECT l.user_id, l.contact_id, max(l.occurred_at) AS last FROM links l
           JOIN contacts c ON c.id = l.contact_id AND c.archived_at IS NULL AND c.erased_at IS NULL
          GROUP BY l.user_id, l.contact_id)
       SELECT p.user_id, u.name, count(*)::int AS relationships,
              count(*) FILTER (WHERE p.last < now() - make_interval(days => $1))::int AS dormant
         FROM pairs p JOIN users u ON u.id = p.user_id
        GROUP BY p.user_id, u.name ORDER BY dormant DESC, u.name`,
      [days],
    );

    const active = await queryRows<{ id: string; name: string; kind: string; n: number; last: Date }>(
      m,
      `WITH links AS (
         SELECT io.organisation_id, i.id, i.occurred_at FROM interactions i
           JOIN interaction_organisations io ON io.interaction_id = i.id WHERE ${window}
         UNION
         SELECT c.organisation_id, i.id, i.occurred_at FROM interactions i
           JOIN interaction_contacts ic ON ic.interaction_id = i.id
           JOIN contacts c ON c.id = ic.contact_id WHERE ${window} AND c.organisation_id IS NOT NULL)
       SELECT o.id, o.name, o.kind, count(*)::int AS n, max(l.occurred_at) AS last
         FROM links l JOIN organisations o ON o.id = l.organisation_id
        WHERE o.archived_at IS NULL
        GROUP BY o.id ORDER BY n DESC, last DESC, o.id LIMIT 10`,
      params,
    );
    const networks = await queryRows<{ id: string; name: string; kind: string; n: number; last: Date }>(
      m,
      `WITH scope AS (
         SELECT o.id AS network_id, o.id AS organisation_id FROM organisations o WHERE o.kind = 'network' AND o.archived_at IS NULL
         UNION
         SELECT nm.network_id, nm.member_organisation_id FROM network_memberships nm
           JOIN organisations o ON o.id = nm.network_id AND o.kind = 'network' AND o.archived_at IS NULL
          WHERE nm.member_organisation_id IS NOT NULL AND (nm.until IS NULL OR nm.until >= current_date)),
       links AS (
         SELECT io.organisation_id, i.id, i.occurred_at FROM interactions i
           JOIN interaction_organisations io ON io.interaction_id = i.id WHERE ${window}
         UNION
         SELECT c.organisation_id, i.id, i.occurred_at FROM interactions i
           JOIN interaction_contacts ic ON ic.interaction_id = i.id
           JOIN contacts c ON c.id = ic.contact_id WHERE ${window} AND c.organisation_id IS NOT NULL),
       hits AS (SELECT DISTINCT s.network_id, l.id, l.occurred_at FROM scope s JOIN links l ON l.organisation_id = s.organisation_id)
       SELECT o.id, o.name, o.kind, count(*)::int AS n, max(h.occurred_at) AS last
         FROM hits h JOIN organisations o ON o.id = h.network_id
        GROUP BY o.id ORDER BY n DESC, last DESC, o.id LIMIT 10`,
      params,
    );
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
