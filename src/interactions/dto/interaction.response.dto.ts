import { ApiProperty } from '@nestjs/swagger';
import { FollowUpResponseDto } from '../../follow-ups/index.js';

export class InteractionReviewDto {
  @ApiProperty({ enum: ['pending', 'cleared', 'escalated'] })
  status: 'pending' | 'cleared' | 'escalated';
  note: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
}

export class InteractionResponseDto {
  id: string;
  type: string;
  occurredAt: string;
  /** `null` when the interaction is confidential and the caller is not its author, a participant, admin or compliance. */
  @ApiProperty({ type: String, nullable: true })
  summary: string | null;
  /** True when `summary` was withheld from this caller. */
  summaryHidden: boolean;
  contactIds: string[];
  organisationIds: string[];
  participantIds: string[];
  eventId: string | null;
  reciprocity: string | null;
  confidential: boolean;
  competitionSensitive: boolean;
  /** The staff user who logged it (null when logged with an API key that has no user). */
  authorId: string | null;
  /** `conflict_of_interest`, `not_representative`. */
  flags: string[];
  /** What it was about, e.g. `market`, `personnel_change`, `vacancy`. */
  topics: string[];
  @ApiProperty({ type: InteractionReviewDto, nullable: true })
  review: InteractionReviewDto | null;
  followUps: FollowUpResponseDto[];
  archivedAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export class RelationshipResponseDto {
  userId: string;
  name: string;
  interactionCount: number;
  lastInteractionAt: string;
  /** Sum over the interactions of exp(-ageDays / 90). */
  strength: number;
}

export class ContactRelationshipResponseDto {
  contactId: string;
  givenName: string;
  familyName: string;
  organisationId: string | null;
  interactionCount: number;
  lastInteractionAt: string;
  strength: number;
}
