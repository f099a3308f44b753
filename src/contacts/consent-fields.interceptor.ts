import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { ValidationFailedError } from '../common/errors/domain.error.js';

/** Body keys that try to set consent (consent, consents, consentStatus, marketingConsent, gdprConsent, optIn, …). */
export const CONSENT_FIELD = /consent|gdpr|opt[-_]?in|opt[-_]?out|double[-_]?opt/i;

export function consentFieldsIn(body: unknown, prefix = ''): string[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  const found: string[] = [];
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (CONSENT_FIELD.test(k)) found.push(path);
    else if (v && typeof v === 'object' && !Array.isArray(v)) found.push(...consentFieldsIn(v, path));
  }
  return found;
}

/**
 * Consent is never set through a contact. Runs before validation so the answer names the right place,
 * instead of the generic "not a field this endpoint accepts".
 */
@Injectable()
export class RejectConsentFieldsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const body = context.switchToHttp().getRequest<{ body?: unknown }>().body;
    const fields = consentFieldsIn(body);
    if (fields.length) {
      const message =
        'consent cannot be set through a contact; record it with POST /api/v1/contacts/{id}/consents';
      throw new ValidationFailedError(
        `Consent is never set through a contact: ${fields.join(', ')} rejected. Consent is recorded via /contacts/:id/consents (POST /api/v1/contacts/{id}/consents).`,
        fields.map((field) => ({ field, message })),
      );
    }
    return next.handle();
  }
}
