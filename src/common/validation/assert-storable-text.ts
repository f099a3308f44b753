import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { ValidationFailedError } from '../errors/domain.error.js';
import { unstorableText } from './storable-text.js';

/**
 * Refuses, before anything else runs for the request (transaction, idempotency record, handler), text that
 * PostgreSQL cannot store: a NUL character or malformed UTF-16 in a path parameter, a query value or the body
 * (JSON fields at any depth, their keys, or a raw text body such as an import). 400 VALIDATION_FAILED naming each
 * field, instead of a database error surfacing as a 500. Reads the request the way both HTTP adapters expose it.
 */
@Injectable()
export class StorableTextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<{ params?: unknown; query?: unknown; body?: unknown }>();
      const errors = [
        ...unstorableText(req.params, 'path'),
        ...unstorableText(req.query, 'query'),
        ...unstorableText(req.body, 'body'),
      ];
      if (errors.length > 0) throw new ValidationFailedError(errors.map((e) => e.message).join('; '), errors);
    }
    return next.handle();
  }
}
