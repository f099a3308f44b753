import { Transform } from 'class-transformer';
import { IsBoolean, IsDateString, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { trim, lowerUuid, OptionalNotNull, ISO_DATE_MAX } from '../../common/validation/transforms.js';


export class CreateAffiliationDto {
  @Transform(lowerUuid) @IsUUID('all')
  organisationId: string;

  @Transform(trim)
  @IsOptional()
  @IsString()
  @MaxLength(300)
  jobTitle?: string;

  @Transform(trim)
  @IsOptional()
  @IsString()
  @MaxLength(300)
  department?: string;

  /** First day (YYYY-MM-DD). */
  @IsOptional()
  @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  since?: string;

  /** Last day (YYYY-MM-DD); none while the role lasts. */
  @IsOptional()
  @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  until?: string;

  /** The contact's main role: the contact's `organisationId` (and `jobTitle`, if given) follow it. */
  @OptionalNotNull()
  @IsBoolean()
  primary?: boolean;
}

export class AffiliationResponseDto {
  id: string;
  contactId: string;
  organisationId: string;
  organisationName: string;
  jobTitle: string | null;
  department: string | null;
  /** YYYY-MM-DD */
  since: string | null;
  until: string | null;
  primary: boolean;
  /** True while today lies within since…until. */
  current: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
