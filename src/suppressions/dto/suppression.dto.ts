import { ApiProperty } from '@nestjs/swagger';

export const SUPPRESSION_REASONS = ['erasure'] as const;

/** A suppressed address as the API shows it: never the address, nor its hash. */
export class SuppressionResponseDto {
  id: string;
  /** Why the address is suppressed: `erasure` (the person was erased, GDPR Art. 17). */
  @ApiProperty({ enum: SUPPRESSION_REASONS })
  reason: string;
  createdAt: Date;
}
