import { Transform } from 'class-transformer';
import { IsDateString, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { ROLES, type Role } from '../../auth/role.js';
import { ISO_DATE_MAX, lowerUuid } from '../../common/validation/transforms.js';

export class CreateApiKeyDto {
  /** What the key is for, e.g. "HR tool (production)". */
  @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;

  @IsIn(ROLES)
  role: Role;

  /** The staff user the key acts for (its actions are audited under that user). */
  @Transform(lowerUuid) @IsOptional() @IsUUID()
  userId?: string;

  /** Required for `integration`: the one recipient the key may check and disclose for. */
  @Transform(lowerUuid)
  @ValidateIf((o: CreateApiKeyDto) => o.role === 'integration' || o.recipientId !== undefined)
  @IsUUID()
  recipientId?: string;

  /**
   * Optional, `integration` only: the OAuth 2.0 client id at the organisation's OpenID provider whose
   * client-credentials access tokens act exactly like this key.
   */
  @IsOptional() @IsString() @Matches(/^[\x21-\x7e]{1,255}$/)
  oauthClientId?: string;

  /** Optional expiry (ISO 8601); after it the key is refused. */
  @IsOptional() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  expiresAt?: string;
}
