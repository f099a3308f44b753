import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, registerDecorator, ValidationOptions } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination.js';
import { trim } from '../../common/validation/transforms.js';
import { isValidKeyDate, KEY_DATE_KINDS, KEY_DATE_LABEL_MAX, type KeyDateKind } from '../key-dates.js';

/** A real calendar date as `MM-DD` or `YYYY-MM-DD` (02-30 is not; 02-29 is, and YYYY-02-29 in leap years). */
export function IsKeyDate(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isKeyDate',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be a real date as MM-DD or YYYY-MM-DD`, ...options },
      validator: { validate: isValidKeyDate },
    });
}

export class KeyDateDto {
  @ApiProperty({ enum: KEY_DATE_KINDS })
  @IsIn(KEY_DATE_KINDS)
  kind: KeyDateKind;

  /** `MM-DD` (year unknown) or `YYYY-MM-DD`; 29 February falls on 28 February in other years. */
  @ApiProperty({ example: '05-17', pattern: '^(\\d{4}-)?\\d{2}-\\d{2}$', maxLength: 10 })
  @IsString()
  @MaxLength(10)
  @Matches(/^(\d{4}-)?\d{2}-\d{2}$/, { message: 'date must be MM-DD or YYYY-MM-DD' })
  @IsKeyDate()
  date: string;

  /** e.g. `Founded the company`; at most 100 characters. */
  @Transform(trim)
  @IsOptional()
  @IsString()
  @MaxLength(KEY_DATE_LABEL_MAX)
  label?: string | null;
}

export class KeyDateResponseDto {
  @ApiProperty({ enum: KEY_DATE_KINDS })
  kind: KeyDateKind;
  date: string;
  label: string | null;
}

export class UpcomingKeyDatesQueryDto extends PageQueryDto {
  /** How many days ahead, today included (1–366). */
  @ApiPropertyOptional({ default: 14, minimum: 1, maximum: 366 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(366)
  withinDays?: number;
}

export class UpcomingKeyDateDto {
  contactId: string;
  @ApiProperty({ enum: KEY_DATE_KINDS })
  kind: KeyDateKind;
  /** As stored: `MM-DD` or `YYYY-MM-DD`. */
  date: string;
  /** `YYYY-MM-DD`, on or after today (UTC). */
  nextOccurrence: string;
  label: string | null;
}

export class UpcomingKeyDatesDto {
  items: UpcomingKeyDateDto[];
  /** The next page's cursor, or null on the last page. */
  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}
