import { Transform } from 'class-transformer';
import { IsBoolean, IsDateString, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination.js';
import { queryBool, lowerUuid, ISO_DATE_MAX } from '../../common/validation/transforms.js';

/** Query of `GET /contacts`; the same terms go in the body of `POST /contacts/search`. */
export class ListContactsQueryDto extends PageQueryDto {
  /** Finds by name, e-mail or organisation name; ranked; tolerates a typo or two. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @Transform(lowerUuid)
  @IsOptional()
  @IsUUID('all')
  organisationId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  tag?: string;

  @Transform(lowerUuid)
  @IsOptional()
  @IsUUID('all')
  ownerId?: string;

  /** Only contacts changed at or after this time (ISO 8601). */
  @IsOptional()
  @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  updatedSince?: string;

  /** Archived contacts are left out unless this is `true`. */
  @Transform(queryBool)
  @IsOptional()
  @IsBoolean()
  includeArchived?: boolean;
}

/** Body of `POST /contacts/search`: the terms stay out of URLs and logs. */
export class SearchContactsDto extends ListContactsQueryDto {}
