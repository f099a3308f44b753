import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { DomainError, PreconditionFailedError } from '../errors/domain.error.js';

/** Strong ETag from a resource's version. */
export const etagOf = (version: number) => `"${version}"`;

/**
 * The versions an `If-Match` header accepts: undefined when absent, `'*'` for any.
 * A weak or malformed validator never matches (RFC 9110 §13.1.1 uses strong comparison).
 */
export type IfMatch = undefined | '*' | number[];
/**
 * A runtime value of the same name: a parameter typed `IfMatch` in a decorated signature is emitted as a
 * value reference in its design-time metadata, and a per-file transpiler (ts-jest) cannot tell it is a type.
 */
export const IfMatch = Object;

export function parseIfMatch(header: string | string[] | undefined): IfMatch {
  if (header === undefined) return undefined;
  const raw = Array.isArray(header) ? header.join(',') : header;
  if (raw.trim() === '*') return '*';
  const versions: number[] = [];
  for (const part of raw.split(',')) {
    const m = /^\s*"(\d+)"\s*$/.exec(part);
    if (m) versions.push(Number(m[1]));
    else if (!/^\s*W\//.test(part)) {
      throw new DomainError('MALFORMED_IF_MATCH', 'If-Match must be an entity tag this API issued, like "3"', 400);
    }
  }
  return versions;
}

/** Throws 412 when the client's If-Match does not name the current version. */
export function assertIfMatch(ifMatch: IfMatch, currentVersion: number): void {
  if (ifMatch === undefined || ifMatch === '*') return;
  if (!ifMatch.includes(currentVersion)) throw new PreconditionFailedError(currentVersion);
}

export const IfMatchHeader = createParamDecorator((_: unknown, ctx: ExecutionContext): IfMatch => {
  const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
  return parseIfMatch(req.headers['if-match']);
});
