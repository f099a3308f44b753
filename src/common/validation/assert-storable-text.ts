import { ValidationFailedError } from '../errors/domain.error.js';
import { plainlyStorable, unstorableText } from './storable-text.js';

/**
 * Refuses, before anything else runs for the request (transaction, idempotency record, handler), text that
 * PostgreSQL cannot store: a NUL character or malformed UTF-16 in a path parameter, a query value or the JSON body
 * (fields at any depth and their keys). 400 VALIDATION_FAILED naming each field, instead of a database error
 * surfacing as a 500. Called first by `RequestInterceptor`; streamed imports check their own text.
 */
export function assertStorableText(req: { params?: unknown; query?: unknown; body?: unknown }): void {
  if (plainlyStorable(req.params) && plainlyStorable(req.query) && plainlyStorable(req.body)) return;
  const errors = [...unstorableText(req.params, 'path'), ...unstorableText(req.query, 'query'), ...unstorableText(req.body, 'body')];
  if (errors.length > 0) throw new ValidationFailedError(errors.map((e) => e.message).join('; '), errors);
}
