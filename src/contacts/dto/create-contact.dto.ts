import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  MaxLength,
  registerDecorator,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { toE164 } from '../phone.js';
import { KEY_DATES_MAX } from '../key-dates.js';
import { KeyDateDto } from './key-date.dto.js';
import { ValidateTags, trim, lowerUuid, OptionalNotNull } from '../../common/validation/transforms.js';


/** A phone number libphonenumber-js can read (international, or national for the default region). */
export function IsPhone(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isPhone',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be a valid phone number, e.g. +49 30 1234567`, ...options },
      validator: { validate: (v: unknown) => typeof v === 'string' && toE164(v) !== null },
    });
}

export class ContactEmailDto {
  /** Stored lower-case and trimmed. */
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail({}, { message: 'address must be an e-mail address' })
  @MaxLength(320)
  address: string;

  /** e.g. `work`, `home`. */
  @Transform(trim)
  @IsOptional()
  @IsString()
  @MaxLength(50)
  label?: string | null;
}

export class ContactPhoneDto {
  /** Any common notation; stored in E.164 (`+49301234567`). National numbers are read as German. */
  @IsString()
  @MaxLength(100)
  @IsPhone()
  number: string;

  @Transform(trim)
  @IsOptional()
  @IsString()
  @MaxLength(50)
  label?: string | null;
}

export class SocialProfilesDto {
  /** LinkedIn profile URL. */
  @Transform(trim)
  @IsOptional()
  @IsUrl(
    { protocols: ['https', 'http'], require_protocol: true, host_whitelist: [/(^|\.)linkedin\.com$/] },
    { message: 'socialProfiles.linkedin must be a linkedin.com URL' },
  )
  @MaxLength(500)
  linkedin?: string | null;

  /** XING profile URL. */
  @Transform(trim)
  @IsOptional()
  @IsUrl(
    { protocols: ['https', 'http'], require_protocol: true, host_whitelist: [/(^|\.)xing\.com$/] },
    { message: 'socialProfiles.xing must be a xing.com URL' },
  )
  @MaxLength(500)
  xing?: string | null;
}

export const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

export class CreateContactDto {
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  givenName: string;

  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  familyName: string;

  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ContactEmailDto)
  emails?: ContactEmailDto[];

  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ContactPhoneDto)
  phones?: ContactPhoneDto[];

  /** The organisation the contact currently works for. */
  @Transform(lowerUuid)
  @IsOptional()
  @IsUUID('all')
  organisationId?: string | null;

  @Transform(trim)
  @IsOptional()
  @IsString()
  @MaxLength(300)
  jobTitle?: string | null;

  @ValidateTags()
  tags?: string[];

  /** The staff user who owns the relationship (a user id). */
  @Transform(lowerUuid)
  @IsOptional()
  @IsUUID('all')
  ownerId?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(20000)
  notes?: string | null;

  /** BCP 47 language tag, e.g. `de`, `en-GB`. */
  @Transform(trim)
  @IsOptional()
  @IsString()
  @MaxLength(35)
  @Matches(LANGUAGE_TAG, { message: 'preferredLanguage must be a language tag like de or en-GB' })
  preferredLanguage?: string | null;

  /** Social profile links (LinkedIn, XING). In a PATCH the object replaces the stored one. */
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => SocialProfilesDto)
  socialProfiles?: SocialProfilesDto | null;

  /**
   * Birthdays, anniversaries and other dates worth a greeting (at most 20). Personal data: disclosed only under a
   * purpose whose `dataCategories` names `keyDates`. In a PATCH the list replaces the stored one (`null` clears it).
   */
  @ApiPropertyOptional({ type: () => [KeyDateDto], maxItems: KEY_DATES_MAX, nullable: true })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(KEY_DATES_MAX)
  @ValidateNested({ each: true })
  @Type(() => KeyDateDto)
  keyDates?: KeyDateDto[] | null;
}
