import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor, RequestMethod, SetMetadata, StreamableFile } from '@nestjs/common';
import { HTTP_CODE_METADATA, INTERCEPTORS_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { Observable } from 'rxjs';
import type { Principal } from '../common/context/principal.js';
import { TransactionService } from './transaction.service.js';
import { DomainError } from '../common/errors/domain.error.js';
import { etagOf } from '../common/http/etag.js';
import { IdempotencyStore, requestFingerprint } from '../common/context/idempotency-store.js';
import { currentContext, requestContext } from '../common/context/request-context.js';

export const NO_TRANSACTION_KEY = 'rapport:no-transaction';
/**
 * A handler whose whole write is one statement, atomic on its own (e.g. POST /contacts, composed by
 * database/composed-write.ts): without an Idempotency-Key it runs outside a transaction, one round trip instead of
 * BEGIN, the statement, COMMIT. With a key it keeps the transaction, so the idempotency record commits with the
 * change. Only for handlers that issue exactly one writing statement on every path.
 */
export const SINGLE_STATEMENT_KEY = 'rapport:single-statement';
/** Marks a handler {@link SINGLE_STATEMENT_KEY}. */
export const SingleStatement = () => SetMetadata(SINGLE_STATEMENT_KEY, true);
const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type Req = Request & { id: string; user?: Principal };

/** The strong ETag of an answer that is a versioned resource (`{id, version: number, …}`), else undefined. */
export function etagFor(body: unknown): string | undefined {
  if (body && typeof body === 'object' && !Array.isArray(body) && !(body instanceof StreamableFile)) {
    const v = (body as { version?: unknown; id?: unknown }).version;
    if (typeof v === 'number' && (body as { id?: unknown }).id !== undefined) return etagOf(v);
  }
  return undefined;
}

/**
 * Around every mutating handler (POST, PUT, PATCH, DELETE; not those marked {@link NO_TRANSACTION_KEY}): one
 * transaction holding the change, its audit events and its idempotency record, committed before the answer is
 * sent; `Idempotency-Key` replays. Attached to exactly those routes by {@link attachRequestInterceptor}, so that
 * reads do not pay for Nest's interceptor machinery.
 *
 * What every request gets lives elsewhere: the request context (id, principal) is opened by the HTTP edge
 * (app.setup.ts) and completed by the authentication guard; the body policy and storable text are checked by
 * `RequestPolicyGuard` (400/415 before anything runs); the ETag of a versioned resource is set when the answer is
 * written (app.setup.ts), and here too, inside the transaction, so that an idempotent replay carries it.
 */
@Injectable()
export class RequestInterceptor implements NestInterceptor {
  constructor(
    private readonly tx: TransactionService,
    private readonly idempotency: IdempotencyStore,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Req>();
    const reply = http.getResponse<Response>();
    const method = req.method;
    if (!MUTATING_METHODS.has(method)) return next.handle(); // an @All() route answering a read
    const handler = context.getHandler();
    const ctx = { ...currentContext(), requestId: req.id, principal: req.user };

    const status =
      this.reflector.get<number>(HTTP_CODE_METADATA, handler) ??
      (method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK);
    const rawKey = req.headers['idempotency-key'];
    const key = method === 'POST' && typeof rawKey === 'string' ? rawKey : undefined;
    if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw new DomainError('MALFORMED_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1–255 visible ASCII characters', 400);
    }
    const scope = `${req.user?.credentialId ?? 'anonymous'}`;

    const handle = () =>
      new Promise<unknown>((resolve, reject) => {
        let last: unknown;
        next.handle().subscribe({ next: (v) => (last = v), error: reject, complete: () => resolve(last) });
      });

    const run = async (): Promise<unknown> => {
      if (!key && this.reflector.get<boolean>(SINGLE_STATEMENT_KEY, handler) === true) {
        // One autocommitted statement: it is written with its audit event, or not at all.
        const body = await handle();
        const etag = etagFor(body);
        if (etag) reply.setHeader('ETag', etag);
        return body;
      }
      if (key) {
        const claim = await this.idempotency.claim(scope, key, requestFingerprint(method, req.url, req.body));
        if (claim.kind === 'replay') {
          reply.status(claim.response.status);
          for (const [h, v] of Object.entries(claim.response.headers)) reply.setHeader(h, v);
          reply.setHeader('Idempotent-Replayed', 'true');
          return claim.response.body;
        }
      }
      try {
        return await this.tx.dataSource.transaction(async (manager) =>
          requestContext.run({ ...ctx, manager }, async () => {
            const body = await handle();
            const headers: Record<string, string> = {};
            const etag = etagFor(body);
            if (etag) headers.ETag = etag;
            if (key) await this.idempotency.complete(manager, scope, key, { status, headers, body });
            for (const [h, v] of Object.entries(headers)) reply.setHeader(h, v);
            return body;
          }),
        );
      } catch (err) {
        if (key) await this.idempotency.release(scope, key).catch(() => undefined);
        throw err;
      }
    };

    return new Observable((subscriber) => {
      requestContext.run(ctx, () => {
        run().then(
          (body) => {
            subscriber.next(body);
            subscriber.complete();
          },
          (err) => subscriber.error(err),
        );
      });
    });
  }
}

const MUTATING = new Set<unknown>([RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE, RequestMethod.ALL]);

/** Each application's interceptor, by the Express application that serves the request (`req.app`). */
const byApplication = new WeakMap<object, RequestInterceptor>();

/**
 * What the routes' metadata holds: one object for the whole process (the controller classes, and so their
 * metadata, are shared by every application the process creates, e.g. in tests), which hands each request to the
 * {@link RequestInterceptor} of the application serving it. With none registered it refuses the request (500)
 * rather than run a write outside a transaction.
 */
export const TRANSACTION_BOUNDARY: NestInterceptor = {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const app = context.switchToHttp().getRequest<Request>().app as object | undefined;
    const interceptor = app && byApplication.get(app);
    if (!interceptor) throw new Error('No request interceptor registered for this application');
    return interceptor.intercept(context, next);
  },
};

/** Registers the interceptor that serves the requests of an Express application (see {@link TRANSACTION_BOUNDARY}). */
export function registerRequestInterceptor(expressApp: object, interceptor: RequestInterceptor): void {
  byApplication.set(expressApp, interceptor);
}

/**
 * Puts {@link TRANSACTION_BOUNDARY} first on every mutating route of every controller (before the route's own
 * interceptors, where a global interceptor would run), except routes marked {@link NO_TRANSACTION_KEY}. Runs
 * before the routes are registered (app.init); idempotent. Answers how many routes got it now.
 */
export function attachRequestInterceptor(modules: ModulesContainer): number {
  let attached = 0;
  const seen = new Set<unknown>();
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!type?.prototype || seen.has(type)) continue;
      seen.add(type);
      for (let proto = type.prototype as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
        for (const name of Object.getOwnPropertyNames(proto)) {
          if (name === 'constructor') continue;
          const handler = Object.getOwnPropertyDescriptor(proto, name)?.value as object | undefined;
          if (typeof handler !== 'function' || !Reflect.hasMetadata(METHOD_METADATA, handler)) continue;
          if (!MUTATING.has(Reflect.getMetadata(METHOD_METADATA, handler))) continue;
          if (Reflect.getMetadata(NO_TRANSACTION_KEY, handler) === true) continue;
          const own = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []) as unknown[];
          if (own.includes(TRANSACTION_BOUNDARY)) continue;
          Reflect.defineMetadata(INTERCEPTORS_METADATA, [TRANSACTION_BOUNDARY, ...own], handler);
          attached++;
        }
      }
    }
  }
  return attached;
}
