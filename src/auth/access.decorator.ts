import { applyDecorators, SetMetadata } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiDefaultResponse, ApiExtraModels, ApiResponse, ApiSecurity, getSchemaPath } from '@nestjs/swagger';
import { ProblemDto } from '../common/errors/problem.js';
import { Role } from './role.js';

export const ACCESS_KEY = 'rapport:access';
export const PUBLIC_KEY = 'rapport:public';

/**
 * Declares who may call an endpoint. `admin` may always call a declared endpoint.
 * An endpoint without `@Access` or `@Public` is denied to everyone (see RolesGuard), and a test
 * walks every route to make sure none is left undeclared.
 */
export function Access(...roles: Role[]) {
  const allowed = Array.from(new Set<Role>(['admin', ...roles]));
  return applyDecorators(
    SetMetadata(ACCESS_KEY, allowed),
    ApiSecurity('api-key'),
    ApiBearerAuth('bearer'),
    ProblemResponse(400, 'Malformed input: unknown fields, invalid values (errors lists each field)'),
    ProblemResponse(401, 'No or unknown credentials'),
    ProblemResponse(403, `Allowed roles: ${allowed.join(', ')}`),
    ProblemResponse(429, 'Rate limit exceeded (see Retry-After)'),
    ApiDefaultResponse({ description: 'Any other error, as problem details', content: problemContent() }),
  );
}

const problemContent = () => ({ 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } });

/** A problem-details answer in the OpenAPI document, with its real media type. */
export function ProblemResponse(status: number, description: string) {
  return applyDecorators(ApiExtraModels(ProblemDto), ApiResponse({ status, description, content: problemContent() }));
}

/** No credentials needed (health, OpenAPI, JWKS, consent confirmation links). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** What a route declares about its callers, as the guards read it. */
export interface RouteAccess {
  public: boolean;
  /** The roles `@Access` allows (admin included); undefined when the route declares none (denied). */
  roles?: readonly Role[];
}

const accessCache = new WeakMap<object, WeakMap<object, RouteAccess>>();

/**
 * The route's `@Public`/`@Access` declaration (the handler's own over its controller's), read from the metadata
 * once per handler and controller: the guards ask on every request, and the metadata never changes.
 */
export function routeAccess(reflector: Reflector, handler: object, controller: object): RouteAccess {
  let byClass = accessCache.get(handler);
  let access = byClass?.get(controller);
  if (access) return access;
  const targets = [handler, controller] as (() => void)[];
  access = {
    public: reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) === true,
    roles: reflector.getAllAndOverride<Role[] | undefined>(ACCESS_KEY, targets),
  };
  if (!byClass) accessCache.set(handler, (byClass = new WeakMap()));
  byClass.set(controller, access);
  return access;
}
