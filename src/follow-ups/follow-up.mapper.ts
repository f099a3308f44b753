import type { Principal } from '../auth/role.js';
import { iso } from '../database/sql.js';
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
  /** The exact (microsecond) due time as text, for keyset cursors. */
  due_key: string;
  /** Set when the follow-up belongs to a confidential interaction: who may read its note. */
  confidential_of: { authorId: string | null; authorCredentialId: string | null; participantIds: string[] } | null;
}

/**
 * The note of a follow-up on a confidential interaction is for the people who may read the interaction's
 * summary, and for the assignee.
 */
export function mayReadNote(p: Principal | undefined, r: Pick<FollowUpRow, 'confidential_of' | 'assignee_id'>): boolean {
  const c = r.confidential_of;
  if (!c || !p) return true;
  if (p.role === 'admin' || p.role === 'compliance') return true;
  if (p.userId) return p.userId === r.assignee_id || p.userId === c.authorId || c.participantIds.includes(p.userId);
  return c.authorId === null && c.authorCredentialId === p.credentialId;
}

export const toFollowUpResponse = (r: FollowUpRow, p?: Principal): FollowUpResponseDto => ({
  id: r.id,
  interactionId: r.interaction_id,
  contactId: r.contact_id,
  contactIds: r.contact_ids ?? [],
  eventId: r.event_id,
  dueAt: iso(r.due_at)!,
  assigneeId: r.assignee_id,
  note: mayReadNote(p, r) ? r.note : null,
  noteHidden: !mayReadNote(p, r),
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
  hasNote: f.note !== null || f.noteHidden,
  version: f.version,
});
