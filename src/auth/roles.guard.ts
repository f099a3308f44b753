import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError } from '../common/errors/domain.error.js';
import { routeAccess } from './access.decorator.js';
import type { Principal } from './role.js';

/** Deny by default: a route must declare its roles, and the caller's role must be among them. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const access = routeAccess(this.reflector, context.getHandler(), context.getClass());
    if (access.public) return true;
    const roles = access.roles;
    const principal = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (!roles || !principal || !roles.includes(principal.role)) {
      throw new ForbiddenError(`The ${principal?.role ?? 'anonymous'} role may not call this endpoint`);
    }
    return true;
  }
}
