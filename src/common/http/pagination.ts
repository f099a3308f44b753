import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ValidationFailedError } from '../errors/domain.error.js';

export class PageQueryDto {
  /** Page size, 1–200. */
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  /** Opaque cursor from a previous page's `nextCursor`. */
  // Stated for OpenAPI: the Swagger plugin reads only *.dto.ts files, and every list takes this parameter.
  @ApiPropertyOptional({ description: "Opaque cursor from a previous page's `nextCursor`.", maxLength: 1024 })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 50;
export const pageSize = (q: { limit?: number }) => q.limit ?? DEFAULT_PAGE_SIZE;

/** Cursors are opaque to clients: base64url JSON of the last row's sort key. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor<T extends unknown[] = unknown[]>(cursor: string | undefined, arity: number): T | undefined {
  if (!cursor) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === arity) return v as T;
  } catch {
    /* fall through */
  }
  throw new ValidationFailedError('cursor is not a cursor this API issued', [{ field: 'cursor', message: 'invalid cursor' }]);
}

/**
 * The keyset condition of a list in creation order: the rows after the cursor's `(created_at, id)` — `>` for
 * oldest first, `<` for newest first — or '' without a cursor. `param` adds a value to the query and returns its
 * placeholder. Order by `created_at, id` in the same direction and key the page on `created_at::text` (see below).
 */
export function afterCreated(
  cursor: string | undefined,
  alias: string,
  order: 'asc' | 'desc',
  param: (value: unknown) => string,
): string {
  const after = decodeCursor<[string, string]>(cursor, 2);
  if (!after) return '';
  const a = alias ? `${alias}.` : '';
  return `(${a}created_at, ${a}id) ${order === 'asc' ? '>' : '<'} (${param(after[0])}::timestamptz, ${param(after[1])}::uuid)`;
}

/**
 * Builds a page from `limit + 1` fetched rows: the extra row only tells that another page exists.
 *
 * Keyset on a timestamp: PostgreSQL keeps microseconds, a JS Date only milliseconds. A key made with
 * `createdAt.toISOString()` compared with `(created_at, id) > (:t, :id)` returns the page's last row again on the
 * next page. Compare at the key's precision (`date_trunc('milliseconds', created_at)`, in ORDER BY too) or put the
 * exact value in the key (`created_at::text`).
 */
export function toPage<R, T>(rows: R[], limit: number, map: (r: R) => T, key: (r: R) => unknown[]): Page<T> {
  const hasMore = rows.length > limit;
  const slice = hasMore ? rows.slice(0, limit) : rows;
  return {
    items: slice.map(map),
    nextCursor: hasMore ? encodeCursor(key(slice[slice.length - 1])) : null,
  };
}

/** Swagger helper: a page class for a given item DTO. */
export function PageOf<T>(item: new () => T) {
  class PageDto {
    @ApiProperty({ type: [item] })
    items: T[];
    @ApiProperty({ type: String, nullable: true })
    nextCursor: string | null;
  }
  Object.defineProperty(PageDto, 'name', { value: `${item.name.replace(/Dto$/, '')}PageDto` });
  return PageDto;
}
