import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsDateString, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination.js';
import { lowerUuid, OptionalNotNull, ISO_DATE_MAX } from '../../common/validation/transforms.js';

export class CreateEventDto {
  @IsString() @IsNotEmpty() @MaxLength(300)
  name: string;

  @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  startsAt: string;

  @IsOptional() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  endsAt?: string;

  @IsOptional() @IsString() @MaxLength(500)
  location?: string;

  /** The organisation that organises the event. */
  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  organiserId?: string;

  /** The staff users who represent us there; interactions logged there by others are flagged `not_representative`. */
  @Transform(lowerUuid) @OptionalNotNull() @IsArray() @ArrayMaxSize(200) @ArrayUnique() @IsUUID('all', { each: true })
  representativeIds?: string[];

  /** What the organisation wants from the event. */
  @IsOptional() @IsString() @MaxLength(4000)
  goals?: string;

  /** What its representatives should say there. */
  @OptionalNotNull() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(1000, { each: true })
  keyMessages?: string[];
}

export class UpdateEventDto {
  @OptionalNotNull() @IsString() @IsNotEmpty() @MaxLength(300)
  name?: string;

  @OptionalNotNull() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  startsAt?: string;

  @IsOptional() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  endsAt?: string | null;

  @IsOptional() @IsString() @MaxLength(500)
  location?: string | null;

  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  organiserId?: string | null;

  @Transform(lowerUuid) @OptionalNotNull() @IsArray() @ArrayMaxSize(200) @ArrayUnique() @IsUUID('all', { each: true })
  representativeIds?: string[];

  /** null clears the goals. */
  @IsOptional() @IsString() @MaxLength(4000)
  goals?: string | null;

  /** Replaces the key messages (`[]` clears them). */
  @OptionalNotNull() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(1000, { each: true })
  keyMessages?: string[];
}

export class ListEventsQueryDto extends PageQueryDto {
  /** Events starting at or after this instant. */
  @IsOptional() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  from?: string;

  /** Events starting before this instant. */
  @IsOptional() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  to?: string;
}

export class EventResponseDto {
  id: string;
  name: string;
  startsAt: string;
  endsAt: string | null;
  location: string | null;
  organiserId: string | null;
  representativeIds: string[];
  goals: string | null;
  keyMessages: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export class EventSummaryResponseDto {
  eventId: string;
  name: string;
  /** Distinct contacts in the interactions logged at the event. */
  contactsMet: number;
  interactionsLogged: number;
  /** Follow-ups still open (late ones included). */
  followUpsOpen: number;
  /** Open and past their due date. */
  followUpsLate: number;
  followUpsDone: number;
  followUpsCancelled: number;
}

export class AddAttendeeDto {
  /** An existing (not erased) contact. */
  @Transform(lowerUuid) @IsUUID('all')
  contactId: string;

  /** Why they matter for this event (free text about a person: exported with their data, gone on erasure). */
  @IsOptional() @IsString() @MaxLength(2000)
  note?: string;
}

export class AttendeeResponseDto {
  eventId: string;
  contactId: string;
  note: string | null;
  createdAt: string;
  createdBy: string | null;
}

export class BriefingEventDto {
  id: string;
  name: string;
  startsAt: string;
  goals: string | null;
  keyMessages: string[];
  representativeIds: string[];
}

export class KnownByDto {
  userId: string;
  /** Their last shared (not archived) interaction with the attendee. */
  lastInteractionAt: string;
  /** How many such interactions. */
  interactions: number;
  /** Relationship strength (Σ exp(-ageDays / 90) over the shared interactions), as GET /contacts/:id/relationships. */
  strength: number;
}

export class BriefingAttendeeDto {
  contactId: string;
  givenName: string;
  familyName: string;
  organisationId: string | null;
  /** Staff who authored or took part in an interaction with the attendee, strongest relationship first. */
  @ApiProperty({ type: [KnownByDto] })
  knownBy: KnownByDto[];
  /** The attendee's last (not archived) interaction with anyone on staff; null if none. */
  lastInteractionAt: string | null;
  /** Open follow-ups about the attendee (naming them, or of an interaction with them). */
  openFollowUps: number;
}

export class EventBriefingResponseDto {
  event: BriefingEventDto;
  /** The attendees who are neither archived nor erased, by family and given name. */
  @ApiProperty({ type: [BriefingAttendeeDto] })
  attendees: BriefingAttendeeDto[];
}

export class FollowThroughContactIdsDto {
  attendees: string[];
  met: string[];
  followedUp: string[];
  followedUpInTime: string[];
  open: string[];
  notContacted: string[];
}

export class EventFollowThroughResponseDto {
  eventId: string;
  attendees: number;
  met: number;
  followedUp: number;
  followedUpInTime: number;
  open: number;
  notContacted: number;
  /** The contact ids behind each number. */
  contactIds: FollowThroughContactIdsDto;
}
