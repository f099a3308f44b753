import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { LEGAL_BASES, type LegalBasis } from '../purpose.entity.js';
import { CONTACT_FIELD_NAMES } from '../../contacts/contacts.repository.js';
import { OptionalNotNull } from '../../common/validation/transforms.js';

export const SLUG = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;

export class CreatePurposeDto {
  /** Stable slug, e.g. `newsletter` (lowercase letters, digits, `-` and `_`). */
  @IsString() @MaxLength(100) @Matches(SLUG, { message: 'key must be a slug: lowercase letters, digits, - and _' })
  key: string;

  @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;

  @IsString() @MaxLength(5000)
  description: string;

  /** GDPR Art. 6(1) basis. */
  @ApiProperty({ enum: LEGAL_BASES })
  @IsIn(LEGAL_BASES)
  legalBasis: LegalBasis;

  /** Contact fields this purpose may ever disclose. */
  @ApiProperty({ enum: CONTACT_FIELD_NAMES, isArray: true })
  @IsArray() @ArrayMaxSize(50) @ArrayUnique() @IsIn(CONTACT_FIELD_NAMES, { each: true })
  dataCategories: string[];

  /** How long data kept for this purpose is retained, in days. */
  @IsOptional() @IsInt() @Min(1) @Max(36500)
  retentionDays?: number;
}

export class UpdatePurposeDto {
  @OptionalNotNull() @IsString() @IsNotEmpty() @MaxLength(200)
  name?: string;

  @OptionalNotNull() @IsString() @MaxLength(5000)
  description?: string;

  @ApiPropertyOptional({ enum: LEGAL_BASES })
  @OptionalNotNull() @IsIn(LEGAL_BASES)
  legalBasis?: LegalBasis;

  @ApiPropertyOptional({ enum: CONTACT_FIELD_NAMES, isArray: true })
  @OptionalNotNull() @IsArray() @ArrayMaxSize(50) @ArrayUnique() @IsIn(CONTACT_FIELD_NAMES, { each: true })
  dataCategories?: string[];

  @ApiPropertyOptional({ nullable: true })
  @IsOptional() @IsInt() @Min(1) @Max(36500)
  retentionDays?: number | null;
}

export class PurposeResponseDto {
  id: string;
  key: string;
  name: string;
  description: string;
  @ApiProperty({ enum: LEGAL_BASES })
  legalBasis: LegalBasis;
  dataCategories: string[];
  retentionDays: number | null;
  /** Set once retired: no new consents or disclosures for it; its records stay. */
  retiredAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
