import { SetMetadata } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { DomainError } from '../errors/domain.error.js';

/** Nest's `RouteParamtypes.BODY`: the key of a `@Body()` parameter in the route arguments metadata. */
const BODY_PARAM = 3;

export const STREAMED_BODY_KEY = 'rapport:streamed-body';

/**
 * The handler reads its body itself, as a stream, in one of these media types (the contact import). The
 * JSON parser leaves such bodies alone; every other handler takes JSON or no body at all.
 */
export const StreamedBody = (...mediaTypes: string[]) => SetMetadata(STREAMED_BODY_KEY, mediaTypes);

export const IGNORES_BODY_KEY = 'rapport:ignores-body';

/** The handler answers without looking at any body (an always-405 method): no body check before it. */
export const IgnoresBody = () => SetMetadata(IGNORES_BODY_KEY, true);

export interface BodyPolicy {
  /** The handler never reads a body (no check at all). */
  ignored?: boolean;
  /** The handler has a `@Body()` parameter (JSON). */
  json: boolean;
  /** Media types the handler streams itself. */
  streamed?: string[];
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

/** The media type of a Content-Type header, lower case, without parameters. */
export const mediaTypeOf = (contentType: string | undefined) => (contentType ?? '').split(';')[0].trim().toLowerCase();

/** What a handler accepts as a body, read once from its metadata. */
export function bodyPolicyOf(controller: object, handlerName: string, handler: (...args: never[]) => unknown): BodyPolicy {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller.constructor, handlerName) ?? {}) as Record<string, unknown>;
  const json = Object.keys(args).some((k) => Number(k.split(':')[0]) === BODY_PARAM);
  const streamed = Reflect.getMetadata(STREAMED_BODY_KEY, handler) as string[] | undefined;
  const ignored = Reflect.getMetadata(IGNORES_BODY_KEY, handler) === true;
  return { json, streamed, ignored };
}

/** True when the request carries body bytes (a length above 0, or a chunked body). */
export function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return headers['transfer-encoding'] !== undefined;
}

/**
 * Bodies nobody asked for are refused: a media type the handler does not take is a 415; a body on a handler
 * that takes none is a 400 (an empty JSON body is no body, so `curl -X POST -H 'Content-Type: application/json'`
 * works on action endpoints).
 */
export function assertBodyAllowed(policy: BodyPolicy, headers: Record<string, string | string[] | undefined>, body: unknown): void {
  if (policy.ignored || !hasBody(headers)) return;
  const type = mediaTypeOf(headers['content-type'] as string | undefined);
  if (policy.streamed) {
    if (!policy.streamed.includes(type)) {
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `This endpoint takes ${policy.streamed.join(' or ')}`, 415);
    }
    return;
  }
  if (!JSON_TYPE.test(type)) {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'This endpoint takes application/json', 415);
  }
  const empty = body === undefined || (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0);
  if (!policy.json && !empty) {
    throw new DomainError('BODY_NOT_ALLOWED', 'This endpoint takes no request body', 400);
  }
}
