import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * class-transformer: a string in Unicode NFC and trimmed, anything else untouched. NFC makes a name typed with a
 * combining mark ("Mu\u0308ller") the same text as its precomposed form ("Müller"), for search and duplicates.
 */
export const trim = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.normalize('NFC').trim() : value;

/** class-transformer: every string of an array trimmed. */
export const trimAll = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value;

/** Optional free-form tags: up to 100, each trimmed, non-empty, at most 100 characters. */
export const ValidateTags = () =>
  applyDecorators(
    Transform(trimAll),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(100),
    IsString({ each: true }),
    IsNotEmpty({ each: true }),
    MaxLength(100, { each: true }),
  );

/** class-transformer for boolean query parameters: `true`/`1` and `false`/`0`; anything else fails `@IsBoolean`. */
export const queryBool = ({ value }: { value: unknown }) =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
