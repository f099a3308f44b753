import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Principal } from '../context/principal.js';
import { requestContext } from '../context/request-context.js';
import { assertStorableText } from '../validation/assert-storable-text.js';
import { assertBodyAllowed, bodyPolicyOf, type BodyPolicy } from './body-policy.js';

type Req = { headers: Record<string, string | string[] | undefined>; body?: unknown; params?: unknown; query?: unknown; user?: Principal };

/**
 * After authentication and roles, before pipes, interceptors and the handler: the body policy (415 for a media
 * type the handler does not take, 400 for a body it does not read) and text PostgreSQL cannot store (400), so
 * that nothing (transaction, idempotency record, validation) starts on such input; and the signed-in principal
 * into the request context the HTTP edge opened (services and the audit trail read it from there).
 */
@Injectable()
export class RequestPolicyGuard implements CanActivate {
  /** Each handler's body policy, read from its metadata once. */
  private readonly policies = new WeakMap<object, BodyPolicy>();

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Req>();
    const handler = context.getHandler();
    let policy = this.policies.get(handler);
    if (!policy) {
      policy = bodyPolicyOf(context.getClass().prototype as object, handler.name, handler as never);
      this.policies.set(handler, policy);
    }
    assertBodyAllowed(policy, req.headers, req.body);
    assertStorableText(req);
    const store = requestContext.getStore();
    if (store) store.principal = req.user;
    return true;
  }
}
