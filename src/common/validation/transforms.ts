import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';

/**
 * class-transformer: a string in Unicode NFC and trimmed, anything else untouched. NFC makes a name typed with a
 * combining mark ("Mu\u0308ller") the same text as its precomposed form ("Müller"), for search and duplicates.
 */
export const trim = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.normalize('NFC').trim() : value;

/** class-transformer: every string of an array trimmed. */
export const trimAll = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value;

/**
 * Like `@IsOptional()`, but only an absent field is skipped: an explicit `null` is still validated, and so refused
 * with a 400 naming the field. `@IsOptional()` lets `null` through to the service, which is right only where `null`
 * means something (clearing a nullable column). Use this for every optional field whose column is NOT NULL or
 * for which `null` has no meaning; otherwise the null reaches the database (or a hash, or a default) as a 500.
 * (A `PartialType` of a class using it adds `@IsOptional()` again: in a PATCH, `null` clears the field.)
 */
export const OptionalNotNull = () => ValidateIf((_o: unknown, v: unknown) => v !== undefined);

/**
 * The longest ISO 8601 date or date-time accepted (`+275760-09-13T00:00:00.000000+00:00` is 35): with
 * `@IsDateString()` it bounds the string in the OpenAPI document too, which the format check alone does not show.
 */
export const ISO_DATE_MAX = 40;

/** Optional free-form tags: up to 100, each trimmed, non-empty, at most 100 characters (`null` is no list). */
export const ValidateTags = () =>
  applyDecorators(
    // The Swagger plugin cannot see inside applyDecorators, nor map `each` constraints onto `items`: stated here.
    ApiProperty({
      required: false,
      type: [String],
      maxItems: 100,
      items: { type: 'string', minLength: 1, maxLength: 100 },
    }),
    Transform(trimAll),
    OptionalNotNull(),
    IsArray(),
    ArrayMaxSize(100),
    IsString({ each: true }),
    IsNotEmpty({ each: true }),
    MaxLength(100, { each: true }),
  );

/** class-transformer for boolean query parameters: `true`/`1` and `false`/`0`; anything else fails `@IsBoolean`. */
export const queryBool = ({ value }: { value: unknown }) =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

/** A UUID in any letter case (hyphenated, as `@IsUUID()` accepts it). */
const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const lowerIfUuid = (v: unknown) => (typeof v === 'string' && UUID_SHAPE.test(v) ? v.toLowerCase() : v);

/**
 * class-transformer for every id a client sends (path, query, body; a single id or an array of them): a UUID in
 * canonical lower case, the form PostgreSQL's `uuid` type stores and prints. An id must reach no record, audit
 * event or comparison in another case than the one it is stored in: `text` columns (audit `entity_id`) keep the
 * case they are given, the audit chain hashes what it is handed, and answers echo ids back. Anything that is not
 * UUID-shaped is left for the validators to refuse.
 */
export const lowerUuid = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map(lowerIfUuid) : lowerIfUuid(value);
