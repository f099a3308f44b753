import { ApiProperty } from '@nestjs/swagger';

export class FollowUpResponseDto {
  id: string;
  interactionId: string | null;
  /** Set for a follow-up created on its own for one contact. */
  contactId: string | null;
  /** The contacts it concerns: the interaction's contacts, or `contactId`. */
  contactIds: string[];
  eventId: string | null;
  dueAt: string;
  assigneeId: string | null;
  note: string | null;
  /** True when the note was withheld: the follow-up belongs to a confidential interaction the caller may not read. */
  noteHidden: boolean;
  @ApiProperty({ enum: ['open', 'done', 'cancelled'] })
  status: 'open' | 'done' | 'cancelled';
  /** Open and past its due date. */
  overdue: boolean;
  /** When and by whom it was closed (done or cancelled). */
  completedAt: string | null;
  completedBy: string | null;
  createdBy: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export class CalendarTokenResponseDto {
  userId: string;
  /** Shown once; put it in the feed URL. Issuing a new one revokes the previous. */
  token: string;
  /** Path of the feed, relative to the API host. */
  url: string;
}
