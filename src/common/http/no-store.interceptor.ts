import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable } from 'rxjs';
import { PUBLIC_KEY } from '../../auth/access.decorator.js';

/** The response methods both HTTP adapters offer: Node's `setHeader` (Express) or the reply's `header` (Fastify). */
interface HeaderSink {
  setHeader?: (name: string, value: string) => unknown;
  header?: (name: string, value: string) => unknown;
}

export function setResponseHeader(res: HeaderSink, name: string, value: string): void {
  if (typeof res.setHeader === 'function') res.setHeader(name, value);
  else if (typeof res.header === 'function') res.header(name, value);
}

/**
 * `Cache-Control: no-store` on every answer of a route that needs credentials: contacts, interactions, consents,
 * exports, audit events and disclosures carry personal data, and no browser, proxy or client cache may keep them.
 * Set before the handler runs, so it covers error answers too and a handler that chooses its own caching (a
 * download, `@Header`) overrides it. Public routes (health, JWKS, the calendar feed, consent confirmation) keep
 * whatever they set.
 */
@Injectable()
export class NoStoreInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [context.getHandler(), context.getClass()]);
      if (!isPublic) setResponseHeader(context.switchToHttp().getResponse<HeaderSink>(), 'Cache-Control', 'no-store');
    }
    return next.handle();
  }
}
