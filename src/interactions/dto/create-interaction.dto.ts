import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { applyDecorators } from '@nestjs/common';
import { lowerUuid, OptionalNotNull, ISO_DATE_MAX } from '../../common/validation/transforms.js';

export const INTERACTION_TYPES = ['meeting', 'call', 'email', 'event', 'message', 'other'] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];
export const RECIPROCITIES = ['give', 'exchange', 'ask'] as const;
export type Reciprocity = (typeof RECIPROCITIES)[number];

/** A topic is a slug: lower-case letters and digits, words joined by `_` or `-`, at most 50 characters. */
export const TOPIC_SLUG = /^[a-z0-9]+(?:[_-][a-z0-9]+)*$/;
export const TOPICS_MAX = 20;
export const TOPIC_MAX_LENGTH = 50;

/** `topics`: at most 20 distinct slugs of at most 50 characters (e.g. `market`, `personnel_change`, `vacancy`). */
export const ValidateTopics = () =>
  applyDecorators(
    ApiProperty({
      required: false,
      type: [String],
      maxItems: TOPICS_MAX,
      uniqueItems: true,
      items: { type: 'string', minLength: 1, maxLength: TOPIC_MAX_LENGTH, pattern: TOPIC_SLUG.source },
      example: ['vacancy', 'personnel_change'],
    }),
    OptionalNotNull(),
    IsArray(),
    ArrayMaxSize(TOPICS_MAX),
    ArrayUnique(),
    IsString({ each: true }),
    MaxLength(TOPIC_MAX_LENGTH, { each: true }),
    Matches(TOPIC_SLUG, { each: true, message: 'each topic must be a slug like personnel_change (a-z, 0-9, _ or -)' }),
  );

export class FollowUpInputDto {
  /** When to follow up; default FOLLOW_UP_DAYS working days (Mon–Fri) after the interaction. */
  @OptionalNotNull() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  dueAt?: string;

  /** The staff user who follows up; default the interaction's author. */
  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  assigneeId?: string;

  @IsOptional() @IsString() @MaxLength(2000)
  note?: string;
}

export class CreateInteractionDto {
  // The enum stated explicitly: the plugin would list a union type's members in the type checker's order.
  @ApiProperty({ enum: INTERACTION_TYPES })
  @IsIn(INTERACTION_TYPES)
  type: InteractionType;

  @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  occurredAt: string;

  /** What was said. Hidden from most readers when `confidential`. */
  @IsString() @IsNotEmpty() @MaxLength(20000)
  summary: string;

  /** The external people involved (at least one). */
  @Transform(lowerUuid) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(200) @ArrayUnique() @IsUUID('all', { each: true })
  contactIds: string[];

  @Transform(lowerUuid) @OptionalNotNull() @IsArray() @ArrayMaxSize(100) @ArrayUnique() @IsUUID('all', { each: true })
  organisationIds?: string[];

  /** Other staff users who took part (the author is implied). */
  @Transform(lowerUuid) @OptionalNotNull() @IsArray() @ArrayMaxSize(100) @ArrayUnique() @IsUUID('all', { each: true })
  participantIds?: string[];

  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  eventId?: string;

  @ApiPropertyOptional({ enum: RECIPROCITIES })
  @IsOptional() @IsIn(RECIPROCITIES)
  reciprocity?: Reciprocity;

  @OptionalNotNull() @IsBoolean()
  confidential?: boolean;

  /** Puts the interaction in compliance's review queue. */
  @OptionalNotNull() @IsBoolean()
  competitionSensitive?: boolean;

  @OptionalNotNull() @IsObject() @ValidateNested() @Type(() => FollowUpInputDto)
  followUp?: FollowUpInputDto;

  /** What it was about (≤ 20 slugs of ≤ 50 characters), e.g. `market`, `personnel_change`, `vacancy`. */
  @ValidateTopics()
  topics?: string[];
}

export class UpdateInteractionDto {
  @ApiPropertyOptional({ enum: INTERACTION_TYPES })
  @OptionalNotNull() @IsIn(INTERACTION_TYPES)
  type?: InteractionType;

  @OptionalNotNull() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  occurredAt?: string;

  @OptionalNotNull() @IsString() @IsNotEmpty() @MaxLength(20000)
  summary?: string;

  @Transform(lowerUuid) @OptionalNotNull() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(200) @ArrayUnique() @IsUUID('all', { each: true })
  contactIds?: string[];

  @Transform(lowerUuid) @OptionalNotNull() @IsArray() @ArrayMaxSize(100) @ArrayUnique() @IsUUID('all', { each: true })
  organisationIds?: string[];

  @Transform(lowerUuid) @OptionalNotNull() @IsArray() @ArrayMaxSize(100) @ArrayUnique() @IsUUID('all', { each: true })
  participantIds?: string[];

  /** `null` detaches the interaction from its event. */
  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  eventId?: string | null;

  @ApiPropertyOptional({ enum: RECIPROCITIES, nullable: true })
  @IsOptional() @IsIn(RECIPROCITIES)
  reciprocity?: Reciprocity | null;

  @OptionalNotNull() @IsBoolean()
  confidential?: boolean;

  @OptionalNotNull() @IsBoolean()
  competitionSensitive?: boolean;

  /** Replaces the topics (≤ 20 slugs of ≤ 50 characters); `[]` clears them. */
  @ValidateTopics()
  topics?: string[];
}

export class ReviewDecisionDto {
  @IsIn(['cleared', 'escalated'])
  decision: 'cleared' | 'escalated';

  @IsOptional() @IsString() @MaxLength(4000)
  note?: string;
}
