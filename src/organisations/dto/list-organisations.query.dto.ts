import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination.js';
import { ORGANISATION_KINDS, type OrganisationKind } from '../organisation-kinds.js';
import { queryBool, lowerUuid } from '../../common/validation/transforms.js';

export class ListOrganisationsQueryDto extends PageQueryDto {
  /** Finds by name, tolerating small typos; results are ranked. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: ORGANISATION_KINDS })
  @IsOptional()
  @IsIn(ORGANISATION_KINDS)
  kind?: OrganisationKind;

  @Transform(lowerUuid)
  @IsOptional()
  @IsUUID('all')
  parentId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  tag?: string;

  /** Archived organisations are left out unless this is `true`. */
  @Transform(queryBool)
  @IsOptional()
  @IsBoolean()
  includeArchived?: boolean;
}
