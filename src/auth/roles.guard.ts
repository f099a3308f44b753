import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError } from '../common/errors/domain.error.js';
import { ACCESS_KEY, PUBLIC_KEY } from './access.decorator.js';
import { Principal, Role } from './role.js';

/** Deny by default: a route must declare its roles, and the caller's role must be among them. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ACCESS_KEY, targets);
    const principal = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (!roles || !principal || !roles.includes(principal.role)) {
      throw new ForbiddenError(`The ${principal?.role ?? 'anonymous'} role may not call this endpoint`);
    }
    return true;
  }
}
