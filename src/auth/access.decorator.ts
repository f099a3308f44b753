import { applyDecorators, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiSecurity,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
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
    ApiUnauthorizedResponse({ description: 'No or unknown credentials', type: ProblemDto }),
    ApiForbiddenResponse({ description: `Allowed roles: ${allowed.join(', ')}`, type: ProblemDto }),
    ApiBadRequestResponse({ description: 'Malformed input', type: ProblemDto }),
    ApiTooManyRequestsResponse({ description: 'Rate limit exceeded', type: ProblemDto }),
  );
}

/** No credentials needed (health, OpenAPI, JWKS, consent confirmation links). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
