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
