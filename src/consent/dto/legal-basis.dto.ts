import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDateString, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ISO_DATE_MAX, OptionalNotNull, trim } from '../../common/validation/transforms.js';

const SLUG = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;

export class CreateLegalBasisDto {
  /** Purpose key; its legal basis must be `contract`, `legal_obligation`, `vital_interests` or `public_task`. */
  @IsString() @MaxLength(100) @Matches(SLUG, { message: 'purpose must be a purpose key' })
  purpose: string;

  /** What the basis rests on, e.g. the contract number or the statute; kept as proof (pseudonymised on erasure). */
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(500)
  reference: string;

  /** From when the basis applies (default now). */
  @OptionalNotNull() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  validFrom?: string;

  /** Until when it applies (exclusive; none: until ended). Must be after validFrom. */
  @IsOptional() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  validUntil?: string | null;
}

export class EndLegalBasisDto {
  @IsOptional() @IsString() @MaxLength(2000)
  reason?: string;
}

export const BASIS_STATUSES = ['live', 'not_yet_valid', 'lapsed', 'ended'] as const;

export class LegalBasisResponseDto {
  id: string;
  contactId: string;
  /** Purpose key. */
  purpose: string;
  purposeId: string;
  /** The purpose's Art. 6(1) basis this record establishes for the person. */
  legalBasis: string;
  reference: string;
  validFrom: Date;
  validUntil: Date | null;
  /** Computed: `ended` once ended; else `not_yet_valid` before validFrom, `lapsed` from validUntil on, else `live`. */
  @ApiProperty({ enum: BASIS_STATUSES })
  status: (typeof BASIS_STATUSES)[number];
  endedAt: Date | null;
  endReason: string | null;
  createdBy: string | null;
  createdAt: Date;
}
