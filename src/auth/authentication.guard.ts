import { CanActivate, ExecutionContext, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { UnauthenticatedError } from './errors.js';
import type { Request, Response } from 'express';
import { routeAccess } from './access.decorator.js';
import { ApiKeyStrategy } from './api-key.strategy.js';
import { RateLimiter } from './rate-limiter.js';
import type { Principal } from './role.js';

function passportGuard(strategy: string) {
  return class extends AuthGuard(strategy) {
    handleRequest<T>(err: unknown, user: T): T {
      if (err) throw err;
      if (!user) throw new UnauthenticatedError();
      return user;
    }
  };
}

/**
 * Authenticates every request (401 on failure) unless the route is `@Public()`, and counts it for the rate
 * limit: per credential once authenticated, per client address when public or not authenticated.
 *
 * Every answer of a route that needs credentials is `Cache-Control: no-store` (contacts, consents, exports and
 * audit events carry personal data; no browser, proxy or client cache may keep them), set here first so that
 * 401, 403 and 429 answers carry it too, and a handler that chooses its own caching (a download) overrides it.
 *
 * API keys are checked by calling {@link ApiKeyStrategy} directly: passport's per-request machinery cost about
 * 3 % of a consent check; OIDC bearer tokens go through passport-jwt.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  private readonly apiKey = new (passportGuard('api-key'))();
  private readonly oidc = new (passportGuard('oidc'))();

  constructor(
    private readonly reflector: Reflector,
    @Optional() private readonly limits?: RateLimiter,
    @Optional() private readonly apiKeys?: ApiKeyStrategy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const limits = this.limits?.enabled ? this.limits : undefined;
    const http = context.switchToHttp();
    const req = http.getRequest<Request & { user?: Principal }>();
    const res = http.getResponse<Response>();
    if (routeAccess(this.reflector, context.getHandler(), context.getClass()).public) {
      await limits?.forAddress(req, res);
      return true;
    }
    res.setHeader?.('Cache-Control', 'no-store');
    try {
      await this.authenticate(context, req);
    } catch (err) {
      await limits?.forAddress(req, res); // a 429 replaces the 401 once the address is over its limit
      throw err;
    }
    await limits?.forCredential(req, res, req.user!.credentialId);
    return true;
  }

  private async authenticate(context: ExecutionContext, req: Request & { user?: Principal }): Promise<void> {
    if (req.headers['x-api-key']) {
      if (this.apiKeys) req.user = await this.apiKeys.validate(req);
      else await this.apiKey.canActivate(context);
      return;
    }
    if (/^Bearer\s+\S+/i.test(req.headers.authorization ?? '')) {
      await this.oidc.canActivate(context);
      return;
    }
    throw new UnauthenticatedError();
  }
}
