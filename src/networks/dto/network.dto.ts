import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDateString, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { lowerUuid, OptionalNotNull, ISO_DATE_MAX } from '../../common/validation/transforms.js';

export class CreateMembershipDto {
  /** The member organisation (exactly one of `memberOrganisationId`, `userId`, `memberContactId`). */
  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  memberOrganisationId?: string;

  /** The staff member taking part (exactly one of `memberOrganisationId`, `userId`, `memberContactId`). */
  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  userId?: string;

  /** An external person who is a member (exactly one of `memberOrganisationId`, `userId`, `memberContactId`). */
  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  memberContactId?: string;

  /** Free text, e.g. `member`, `board`, `speaker`. */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  role?: string;

  /** ISO date (YYYY-MM-DD). */
  @IsOptional() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  since?: string;

  @IsOptional() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  until?: string;
}

export class MembershipResponseDto {
  id: string;
  networkId: string;
  memberOrganisationId: string | null;
  memberOrganisationName: string | null;
  userId: string | null;
  userName: string | null;
  memberContactId: string | null;
  /** The network's name (useful in a contact's list of memberships). */
  networkName: string;
  role: string | null;
  since: string | null;
  until: string | null;
  /** No `until`, or `until` not yet reached. */
  active: boolean;
  version: number;
  createdAt: string;
}

export class MembershipParams {
  @Transform(lowerUuid) @ApiProperty({ format: 'uuid' }) @IsUUID('all')
  id: string;

  @Transform(lowerUuid) @ApiProperty({ format: 'uuid' }) @IsUUID('all')
  membershipId: string;
}

/** Corrects or ends a membership: `until` ends it (null reopens it); `null` clears `role` or `since`. */
export class UpdateMembershipDto {
  @ApiProperty({ type: String, nullable: true, required: false, maxLength: 100 })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  role?: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true, required: false })
  @IsOptional() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  since?: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true, required: false })
  @IsOptional() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  until?: string | null;
}

export class ConflictParams {
  @Transform(lowerUuid) @ApiProperty({ format: 'uuid' }) @IsUUID('all')
  id: string;

  @Transform(lowerUuid) @ApiProperty({ format: 'uuid' }) @IsUUID('all')
  conflictId: string;
}

/** The eleven success factors of production networks. */
export const SUCCESS_FACTORS = [
  'personalEngagement',
  'sharedGoals',
  'visibleBenefit',
  'commitmentReliability',
  'clearTasks',
  'acceptedRules',
  'targetGroupFocus',
  'decisionMakersInvolved',
  'memberAutonomy',
  'internalPersuasion',
  'connectionToExistingNetworks',
] as const;
export type SuccessFactor = (typeof SUCCESS_FACTORS)[number];

export class FactorScoreDto {
  /** 1 (weak) to 5 (strong). */
  @IsInt() @Min(1) @Max(5)
  score: number;

  @IsOptional() @IsString() @MaxLength(2000)
  note?: string;
}

const factor = () => [IsObject(), ValidateNested(), Type(() => FactorScoreDto)];
function Factor(): PropertyDecorator {
  return (target, key) => factor().forEach((d) => d(target, key));
}

export class FactorScoresDto {
  @Factor() personalEngagement: FactorScoreDto;
  @Factor() sharedGoals: FactorScoreDto;
  @Factor() visibleBenefit: FactorScoreDto;
  @Factor() commitmentReliability: FactorScoreDto;
  @Factor() clearTasks: FactorScoreDto;
  @Factor() acceptedRules: FactorScoreDto;
  @Factor() targetGroupFocus: FactorScoreDto;
  @Factor() decisionMakersInvolved: FactorScoreDto;
  @Factor() memberAutonomy: FactorScoreDto;
  @Factor() internalPersuasion: FactorScoreDto;
  @Factor() connectionToExistingNetworks: FactorScoreDto;
}

export class CreateReviewDto {
  /** The review's date (YYYY-MM-DD); default today. */
  @OptionalNotNull() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  reviewedOn?: string;

  /** All eleven factors, each `{score: 1–5, note?}`. */
  @IsObject() @ValidateNested() @Type(() => FactorScoresDto)
  factors: FactorScoresDto;

  @IsOptional() @IsString() @MaxLength(4000)
  comment?: string;
}

export class ReviewResponseDto {
  id: string;
  networkId: string;
  reviewerId: string | null;
  reviewedOn: string;
  comment: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'object', properties: { score: { type: 'integer' }, note: { type: 'string', nullable: true } } } })
  factors: Record<SuccessFactor, { score: number; note: string | null }>;
  /** Mean of the eleven scores. */
  average: number;
  version: number;
  createdAt: string;
}

export class FactorTrendDto {
  factor: string;
  /** Scores oldest to newest. */
  scores: number[];
  first: number;
  latest: number;
  previous: number | null;
  /** latest − previous (0 with a single review). */
  change: number;
  average: number;
  /** `up`, `down` or `flat` from the previous review to the latest. */
  direction: 'up' | 'down' | 'flat';
}

export class ReviewListResponseDto {
  /** Newest first. */
  @ApiProperty({ type: [ReviewResponseDto] })
  items: ReviewResponseDto[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
  /** Per factor, over all reviews of the network. */
  @ApiProperty({ type: [FactorTrendDto] })
  trend: FactorTrendDto[];
}

export class CreateConflictDto {
  @Transform(lowerUuid) @IsUUID('all')
  organisationId: string;

  @IsOptional() @IsString() @MaxLength(2000)
  description?: string;
}

export class ConflictResponseDto {
  id: string;
  userId: string;
  organisationId: string;
  organisationName: string;
  description: string | null;
  declaredBy: string | null;
  version: number;
  createdAt: string;
}
