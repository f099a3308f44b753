import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ipKeyGenerator, rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';
import { DomainError } from '../common/errors/domain.error.js';
import { appConfig } from '../config/app.config.js';

type Limited = Request & { rateLimitKey?: string };

/**
 * `RATE_LIMIT_PER_MINUTE` requests per minute (0 turns it off), counted by express-rate-limit in memory:
 * per credential once a request is authenticated, per client address otherwise (a random key presented on
 * every request does not get a bucket of its own). Over the limit: 429 problem+json with `Retry-After`;
 * every answer carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`.
 */
@Injectable()
export class RateLimiter {
  private readonly limiter?: RateLimitRequestHandler;

  constructor(@Inject(appConfig.KEY) config: ReturnType<typeof appConfig>) {
    const limit = config.rateLimitPerMinute;
    if (limit > 0) {
      this.limiter = rateLimit({
        windowMs: 60_000,
        limit,
        legacyHeaders: true,
        standardHeaders: false,
        keyGenerator: (req) => (req as Limited).rateLimitKey ?? `ip:${ipKeyGenerator(req.ip ?? '')}`,
        handler: (_req, res, next) =>
          next(
            new DomainError(
              'RATE_LIMITED',
              `More than ${limit} requests per minute for this credential; retry after ${String(res.getHeader('Retry-After'))} s`,
              429,
            ),
          ),
        validate: false,
      });
    }
  }

  /** False when `RATE_LIMIT_PER_MINUTE` is 0: nothing is counted (the guard then skips the calls). */
  get enabled(): boolean {
    return this.limiter !== undefined;
  }

  /** Counts the request for the signed-in credential. */
  forCredential(req: Request, res: Response, credentialId: string): Promise<void> {
    return this.consume(req, res, `credential:${credentialId}`);
  }

  /** Counts the request for the client address (unauthenticated and public requests). */
  forAddress(req: Request, res: Response): Promise<void> {
    return this.consume(req, res, `ip:${ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? '')}`);
  }

  private consume(req: Request, res: Response, key: string): Promise<void> {
    const limiter = this.limiter;
    if (!limiter) return Promise.resolve();
    (req as Limited).rateLimitKey = key;
    return new Promise((resolve, reject) => {
      void limiter(req, res, (err?: unknown) => (err ? reject(err as Error) : resolve()));
    });
  }
}
