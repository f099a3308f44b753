import { DomainError } from '../common/errors/domain.error.js';

/** 401: no credentials, or credentials Rapport does not know (unknown, revoked or expired key; bad token). */
export class UnauthenticatedError extends DomainError {
  constructor(detail = 'Send a valid X-API-Key header or an OpenID Connect bearer token') {
    super('UNAUTHENTICATED', detail, 401, undefined, undefined, { 'WWW-Authenticate': 'Bearer realm="rapport", ApiKey header="X-API-Key"' });
  }
}
