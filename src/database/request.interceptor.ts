import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor, StreamableFile } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { Observable } from 'rxjs';
import type { Principal } from '../common/context/principal.js';
import { TransactionService } from './transaction.service.js';
import { DomainError } from '../common/errors/domain.error.js';
import { assertBodyAllowed, bodyPolicyOf, type BodyPolicy } from '../common/http/body-policy.js';
import { assertStorableText } from '../common/validation/assert-storable-text.js';
import { etagOf } from '../common/http/etag.js';
import { IdempotencyStore, requestFingerprint } from '../common/context/idempotency-store.js';
import { requestContext, RequestContext } from '../common/context/request-context.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const NO_TRANSACTION_KEY = 'rapport:no-transaction';

type Req = Request & { id: string; user?: Principal };

function etagFor(body: unknown): string | undefined {
  if (body && typeof body === 'object' && !Array.isArray(body) && !(body instanceof StreamableFile)) {
    const v = (body as { version?: unknown; id?: unknown }).version;
    if (typeof v === 'number' && (body as { id?: unknown }).id !== undefined) return etagOf(v);
  }
  return undefined;
}

/**
 * Around every handler: the body policy and storable text (400/415 before anything runs); the request context
 * (id, principal) for services and the audit trail; for mutating requests one transaction holding the change, its audit events and its idempotency record,
 * committed before the answer is sent; a strong ETag for any answer that is a versioned resource.
 */
@Injectable()
export class RequestInterceptor implements NestInterceptor {
  /** Each handler's body policy, read from its metadata once. */
  private readonly policies = new WeakMap<object, BodyPolicy>();

  constructor(
    private readonly tx: TransactionService,
    private readonly idempotency: IdempotencyStore,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Req>();
    const reply = http.getResponse<Response>();
    const ctx: RequestContext = { requestId: req.id, principal: req.user };
    const method = req.method;
    const handler = context.getHandler();
    let policy = this.policies.get(handler);
    if (!policy) {
      policy = bodyPolicyOf(context.getClass().prototype as object, handler.name, handler as never);
      this.policies.set(handler, policy);
    }
    assertBodyAllowed(policy, req.headers, req.body);
    assertStorableText(req);
    const noTx = this.reflector.get<boolean>(NO_TRANSACTION_KEY, handler);

    if (!MUTATING.has(method) || noTx) {
      return new Observable((subscriber) =>
        requestContext.run(ctx, () =>
          next.handle().subscribe({
            next: (body) => {
              const etag = etagFor(body);
              if (etag) reply.setHeader('ETag', etag);
              subscriber.next(body);
            },
            error: (e) => subscriber.error(e),
            complete: () => subscriber.complete(),
          }),
        ),
      );
    }

    const status =
      this.reflector.get<number>(HTTP_CODE_METADATA, handler) ??
      (method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK);
    const rawKey = req.headers['idempotency-key'];
    const key = method === 'POST' && typeof rawKey === 'string' ? rawKey : undefined;
    if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw new DomainError('MALFORMED_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1–255 visible ASCII characters', 400);
    }
    const scope = `${req.user?.credentialId ?? 'anonymous'}`;

    const run = async (): Promise<unknown> => {
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
            const body = await new Promise<unknown>((resolve, reject) => {
              let last: unknown;
              next.handle().subscribe({ next: (v) => (last = v), error: reject, complete: () => resolve(last) });
            });
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
