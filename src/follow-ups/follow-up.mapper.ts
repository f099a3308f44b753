import { iso } from '../interactions/db.js';
import { FollowUpResponseDto } from './dto/follow-up.response.dto.js';

export interface FollowUpRow {
  id: string;
  interaction_id: string | null;
  contact_id: string | null;
  contact_ids: string[];
  event_id: string | null;
  due_at: Date;
  assignee_id: string | null;
  note: string | null;
  status: 'open' | 'done' | 'cancelled';
  overdue: boolean;
  completed_at: Date | null;
  completed_by: string | null;
  created_by: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** Columns every follow-up read selects (alias `f`). */
export const FOLLOW_UP_COLUMNS = `
  f.id, f.interaction_id, f.contact_id, f.event_id, f.due_at, f.assignee_id, f.note, f.status,
  f.completed_at, f.completed_by, f.created_by, f.version, f.created_at, f.updated_at,
  (f.status = 'open' AND f.due_at < now()) AS overdue,
  ARRAY(
    SELECT x FROM (
      SELECT ic.contact_id::text AS x FROM interaction_contacts ic WHERE ic.interaction_id = f.interaction_id
      UNION SELECT f.contact_id::text WHERE f.contact_id IS NOT NULL
    ) s ORDER BY x
  ) AS contact_ids`;

export const toFollowUpResponse = (r: FollowUpRow): FollowUpResponseDto => ({
  id: r.id,
  interactionId: r.interaction_id,
  contactId: r.contact_id,
  contactIds: r.contact_ids ?? [],
  eventId: r.event_id,
  dueAt: iso(r.due_at)!,
  assigneeId: r.assignee_id,
  note: r.note,
  status: r.status,
  overdue: r.overdue,
  completedAt: iso(r.completed_at),
  completedBy: r.completed_by,
  createdBy: r.created_by,
  version: r.version,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

/** What the audit trail keeps of a follow-up: no free-text note (it may name people). */
export const followUpAudit = (f: FollowUpResponseDto) => ({
  id: f.id,
  interactionId: f.interactionId,
  contactId: f.contactId,
  eventId: f.eventId,
  dueAt: f.dueAt,
  assigneeId: f.assigneeId,
  status: f.status,
  completedAt: f.completedAt,
  completedBy: f.completedBy,
  hasNote: f.note !== null,
  version: f.version,
});
