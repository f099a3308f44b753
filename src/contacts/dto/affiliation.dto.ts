import { ApiProperty } from '@nestjs/swagger';
import { UuidParam } from '../../common/http/uuid-param.dto.js';
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

/** Ends or corrects a role. Fields present are replaced; `null` clears `jobTitle`, `department` or `until`. */
export class UpdateAffiliationDto {
  @Transform(trim)
  @IsOptional()
  @IsString()
  @MaxLength(300)
  jobTitle?: string | null;

  @Transform(trim)
  @IsOptional()
  @IsString()
  @MaxLength(300)
  department?: string | null;

  /**
   * Last day (YYYY-MM-DD): ends the role. Ending the primary role (today or earlier) clears the contact's current
   * organisation (and its job title, when it is this role's), which notifies recipients like any rectification.
   */
  @IsOptional()
  @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  until?: string | null;

  /** `true` makes this the contact's main role (another primary stops being one); `false` stops it being one. */
  @OptionalNotNull()
  @IsBoolean()
  primary?: boolean;
}

export class AffiliationIdParam extends UuidParam {
  // Explicit (not left to the Swagger CLI plugin, which jest does not run): OpenAPI must name the path parameter.
  @Transform(lowerUuid)
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  affiliationId: string;
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
