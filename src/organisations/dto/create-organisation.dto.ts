import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import {
  NETWORK_TYPES,
  ORGANISATION_KINDS,
  type NetworkType,
  type OrganisationKind,
} from '../organisation-kinds.js';
import { ValidateTags, trim, lowerUuid, OptionalNotNull } from '../../common/validation/transforms.js';

const lowerAll = ({ value }: { value: unknown }) =>
  Array.isArray(value)
    ? value.map((v) => (typeof v === 'string' ? v.trim().toLowerCase().replace(/^@/, '') : v))
    : value;

export const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export class CreateOrganisationDto {
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  name: string;

  @ApiPropertyOptional({ enum: ORGANISATION_KINDS, default: 'other' })
  @OptionalNotNull()
  @IsIn(ORGANISATION_KINDS)
  kind?: OrganisationKind;

  /** Web site, e.g. `https://example.org`. */
  @Transform(trim)
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2000)
  website?: string | null;

  /** E-mail domains of the organisation's people, e.g. `["example.org"]` (stored lower-case). */
  @ApiPropertyOptional({ type: [String], maxItems: 50, items: { type: 'string', maxLength: 253 } })
  @Transform(lowerAll)
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @MaxLength(253, { each: true })
  @Matches(DOMAIN, { each: true, message: 'each value in emailDomains must be a domain like example.org' })
  emailDomains?: string[];

  /** The parent organisation (a faculty's university, a subsidiary's group). A cycle is a 400. */
  @Transform(lowerUuid)
  @IsOptional()
  @IsUUID('all')
  parentId?: string | null;

  @ValidateTags()
  tags?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(20000)
  notes?: string | null;

  /** The staff user who owns the relationship (a user id). */
  @Transform(lowerUuid)
  @IsOptional()
  @IsUUID('all')
  ownerId?: string | null;

  /** Networks only (`kind: "network"`). */
  @ApiPropertyOptional({ enum: NETWORK_TYPES })
  @IsOptional()
  @IsIn(NETWORK_TYPES)
  networkType?: NetworkType | null;

  /** Networks only: what the network is for. */
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  networkGoals?: string | null;

  /** Networks only: its rules (membership, confidentiality, …). */
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  networkRules?: string | null;
}

export class OrganisationKindDoc {
  @ApiProperty({ enum: ORGANISATION_KINDS }) kind: OrganisationKind;
}
