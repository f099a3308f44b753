import { Transform } from 'class-transformer';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { RECIPIENT_KINDS, type RecipientKind } from '../recipient.entity.js';
import { lowerUuid, OptionalNotNull } from '../../common/validation/transforms.js';

export class CreateRecipientDto {
  @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;

  @ApiProperty({ enum: RECIPIENT_KINDS })
  @IsIn(RECIPIENT_KINDS)
  kind: RecipientKind;

  /** The organisation a partner recipient belongs to. */
  @Transform(lowerUuid) @IsOptional() @IsUUID()
  organisationId?: string;

  /** Where Art. 19 notifications are POSTed: https to a public address (see WEBHOOK_ALLOW_PRIVATE). */
  @IsOptional() @IsString() @MaxLength(2000)
  webhookUrl?: string;
}

export class UpdateRecipientDto {
  @OptionalNotNull() @IsString() @IsNotEmpty() @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: RECIPIENT_KINDS })
  @OptionalNotNull() @IsIn(RECIPIENT_KINDS)
  kind?: RecipientKind;

  @Transform(lowerUuid)
  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_, v) => v !== null) @IsOptional() @IsUUID()
  organisationId?: string | null;

  /** null removes the webhook. */
  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_, v) => v !== null) @IsOptional() @IsString() @MaxLength(2000)
  webhookUrl?: string | null;
}

export class RecipientResponseDto {
  id: string;
  name: string;
  @ApiProperty({ enum: RECIPIENT_KINDS })
  kind: RecipientKind;
  organisationId: string | null;
  webhookUrl: string | null;
  retiredAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export class RecipientWithSecretResponseDto extends RecipientResponseDto {
  /** Standard Webhooks signing secret `whsec_<base64>` (the HMAC key is the decoded bytes). Shown only here. */
  secret: string;
}
