import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { UnauthenticatedError } from '../api-keys/api-keys.service.js';
import { PUBLIC_KEY } from './access.decorator.js';

function passportGuard(strategy: string) {
  return class extends AuthGuard(strategy) {
    handleRequest<T>(err: unknown, user: T): T {
      if (err) throw err;
      if (!user) throw new UnauthenticatedError();
      return user;
    }
  };
}

/** Authenticates every request (401 on failure) unless the route is `@Public()`. */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  private readonly apiKey = new (passportGuard('api-key'))();
  private readonly oidc = new (passportGuard('oidc'))();

  constructor(private readonly reflector: Reflector) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    if (req.headers['x-api-key']) return (await this.apiKey.canActivate(context)) as boolean;
    if (/^Bearer\s+\S+/i.test(req.headers.authorization ?? '')) return (await this.oidc.canActivate(context)) as boolean;
    throw new UnauthenticatedError();
  }
}
