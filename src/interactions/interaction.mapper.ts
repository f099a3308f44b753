import type { Principal } from '../auth/role.js';
import { FollowUpResponseDto } from '../follow-ups/index.js';
import { iso } from '../database/sql.js';
import { InteractionResponseDto } from './dto/interaction.response.dto.js';

export interface InteractionRow {
  id: string;
  type: string;
  occurred_at: Date;
  summary: string;
  author_id: string | null;
  author_credential_id: string | null;
  event_id: string | null;
  reciprocity: string | null;
  confidential: boolean;
  competition_sensitive: boolean;
  review_status: 'pending' | 'cleared' | 'escalated' | null;
  review_note: string | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  flags: string[];
  topics: string[];
  archived_at: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  /** The exact (microsecond) timestamp as text, for keyset cursors. */
  occurred_key: string;
  contact_ids: string[];
  organisation_ids: string[];
  participant_ids: string[];
}

/** Whether the caller logged the interaction (a user, or an API key without a user that logged it). */
export function isAuthor(p: Principal, r: Pick<InteractionRow, 'author_id' | 'author_credential_id'>): boolean {
  if (p.userId) return r.author_id === p.userId;
  return r.author_id === null && r.author_credential_id === p.credentialId;
}

/** A confidential summary is for its author, its staff participants, admins and compliance only. */
export function maySeeSummary(p: Principal, r: InteractionRow): boolean {
  if (!r.confidential) return true;
  if (p.role === 'admin' || p.role === 'compliance') return true;
  if (isAuthor(p, r)) return true;
  return !!p.userId && r.participant_ids.includes(p.userId);
}

export function toInteractionResponse(r: InteractionRow, p: Principal, followUps: FollowUpResponseDto[] = []): InteractionResponseDto {
  const visible = maySeeSummary(p, r);
  return {
    id: r.id,
    type: r.type,
    occurredAt: iso(r.occurred_at)!,
    summary: visible ? r.summary : null,
    summaryHidden: !visible,
    contactIds: r.contact_ids ?? [],
    organisationIds: r.organisation_ids ?? [],
    participantIds: r.participant_ids ?? [],
    eventId: r.event_id,
    reciprocity: r.reciprocity,
    confidential: r.confidential,
    competitionSensitive: r.competition_sensitive,
    authorId: r.author_id,
    flags: r.flags ?? [],
    topics: r.topics ?? [],
    review: r.review_status
      ? { status: r.review_status, note: r.review_note, decidedBy: r.reviewed_by, decidedAt: iso(r.reviewed_at) }
      : null,
    followUps,
    archivedAt: iso(r.archived_at),
    version: r.version,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

/**
 * What the audit trail keeps of an interaction: ids, type, time and flags, never the summary (an
 * interaction may concern several people, so its events carry no single contactId to seal under).
 */
export const interactionAudit = (
  r: Pick<InteractionRow, 'id' | 'type' | 'occurred_at' | 'contact_ids' | 'organisation_ids' | 'participant_ids' | 'event_id' | 'reciprocity'
    | 'confidential' | 'competition_sensitive' | 'review_status' | 'author_id' | 'flags' | 'topics' | 'archived_at' | 'version'>,
) => ({
  id: r.id,
  type: r.type,
  occurredAt: iso(r.occurred_at),
  contactIds: r.contact_ids,
  organisationIds: r.organisation_ids,
  participantIds: r.participant_ids,
  eventId: r.event_id,
  reciprocity: r.reciprocity,
  confidential: r.confidential,
  competitionSensitive: r.competition_sensitive,
  reviewStatus: r.review_status,
  authorId: r.author_id,
  flags: r.flags,
  topics: r.topics,
  archivedAt: iso(r.archived_at),
  version: r.version,
});
