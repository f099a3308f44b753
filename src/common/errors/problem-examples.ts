import { HttpException } from '@nestjs/common';
import {
  getSchemaPath,
  type MediaTypeObject,
  type OpenAPIObject,
  type ReferenceObject,
  type ResponseObject,
} from '@nestjs/swagger';
import {
  DomainError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  ValidationFailedError,
} from './domain.error.js';
import { toProblem } from './problem-details.filter.js';
import { ProblemDto } from './problem.js';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';
export const PROBLEM_SCHEMA_REF = getSchemaPath(ProblemDto);

/** The id that stands for "some resource" in examples (the one Swagger UI itself uses). */
const SAMPLE_ID = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
const OPERATIONS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * A code named in a response's description, in parentheses or backticks or both: "Not a network (NOT_A_NETWORK)",
 * "Already declared (`CONFLICT_ALREADY_DECLARED`)".
 * That is how an endpoint says which code its 409 or 410 carries (this function cannot know it otherwise).
 */
const NAMED_CODE = /\s*(?:\(`?|`)([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?:`?\)|`)/;

/** `contacts` → `Contact`, `webhook-deliveries` → `Webhook delivery` (the name NotFoundError is given). */
function entityName(segment: string): string {
  const singular = segment.endsWith('ies')
    ? `${segment.slice(0, -3)}y`
    : segment.endsWith('sses')
      ? segment.slice(0, -2)
      : segment === 'bases'
        ? 'basis'
        : segment.replace(/s$/, '');
  const words = singular.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A 404 on `/…/contacts/{id}/…` is a ContactNotFound (`CONTACT_NOT_FOUND`, see NotFoundError): the entity is
 * the collection in front of the path's last parameter. Without a path parameter (a reference in the body), the
 * entity is unknown and the example is the generic NOT_FOUND.
 */
function notFound(path: string): Error {
  const segments = path.split('/').filter(Boolean);
  for (let i = segments.length - 1; i > 0; i--) {
    if (/^\{.+\}$/.test(segments[i]) && !/^\{.+\}$/.test(segments[i - 1])) {
      return new NotFoundError(entityName(segments[i - 1]), SAMPLE_ID);
    }
  }
  return new DomainError('NOT_FOUND', 'No such resource or route', 404);
}

/** The error a status stands for, as the services throw it; toProblem turns it into the body the client gets. */
function errorFor(status: number, path: string, description: string): Error {
  const named = NAMED_CODE.exec(description);
  const said = description.replace(NAMED_CODE, '').trim();
  if (named) return new DomainError(named[1], said || named[1], status);
  switch (status) {
    case 400:
      return new ValidationFailedError(
        'address must be an e-mail address; nickname is not a field this endpoint accepts',
        [
          { field: 'emails.0.address', message: 'address must be an e-mail address' },
          { field: 'nickname', message: 'nickname is not a field this endpoint accepts' },
        ],
      );
    case 401:
      return new DomainError(
        'UNAUTHENTICATED',
        'Send a valid X-API-Key header or an OpenID Connect bearer token',
        401,
      );
    case 403:
      return new ForbiddenError('The integration role may not call this endpoint');
    case 404:
      return notFound(path);
    case 409:
      return new DomainError(
        'CONFLICT',
        said || 'The request conflicts with the current state of the resource',
        409,
      );
    case 410:
      return new DomainError('GONE', said || 'The resource is gone', 410);
    case 412:
      return new PreconditionFailedError(4);
    case 413:
      return new DomainError(
        'PAYLOAD_TOO_LARGE',
        'The request body is larger than this endpoint accepts',
        413,
      );
    case 415:
      return new DomainError('UNSUPPORTED_MEDIA_TYPE', 'This Content-Type is not accepted here', 415);
    case 422:
      // The one 422 the API answers.
      return new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used with a different request',
        422,
      );
    case 428:
      return new DomainError(
        'PRECONDITION_REQUIRED',
        'Send If-Match with the ETag of the version you read',
        428,
      );
    case 429:
      return new DomainError(
        'RATE_LIMITED',
        'More than 1200 requests per minute for this credential; retry after 1 minute',
        429,
      );
    case 500:
      return new Error('anything unexpected'); // toProblem never shows it: INTERNAL_ERROR, "An unexpected error occurred"
    case 503:
      return new DomainError(
        'SERVICE_UNAVAILABLE',
        said || 'The service cannot answer right now; retry later',
        503,
      );
    default:
      // Any other status: what the filter makes of it (METHOD_NOT_ALLOWED, NOT_ACCEPTABLE, … or HTTP_<status>).
      return new HttpException(said || 'Error', status);
  }
}

/** The problem body an answer with this status gets, exactly as ProblemDetailsFilter writes it (no instance, no requestId). */
export function problemExample(status: number, path: string, description = ''): Record<string, unknown> {
  return { ...toProblem(errorFor(status, path, description)).body };
}

const isProblemMedia = (media: MediaTypeObject | undefined) =>
  (media?.schema as ReferenceObject | undefined)?.$ref === PROBLEM_SCHEMA_REF;

/**
 * Gives every problem answer in the document an example of its own status: without it Swagger UI shows, for
 * 401, 404, 409… alike, the example built from ProblemDto's properties (a 400). A response is a problem answer
 * when a media type of it has the ProblemDto schema (whatever the media type: the filter always answers
 * `application/problem+json`, so that becomes its one media type). The 400 keeps the validation example
 * (`errors: [{field, message}]`), `default` gets the 500. An example the endpoint set itself is kept.
 * Pure: returns a new document, the argument is not changed.
 */
export function withProblemExamples(document: OpenAPIObject): OpenAPIObject {
  const out = structuredClone(document);
  for (const [path, item] of Object.entries(out.paths ?? {})) {
    for (const method of OPERATIONS) {
      const responses = item?.[method]?.responses;
      if (!responses) continue;
      for (const [key, response] of Object.entries(responses)) {
        if (!response || '$ref' in response) continue;
        const status = key === 'default' ? 500 : /^[45]\d\d$/.test(key) ? Number(key) : undefined;
        if (!status) continue;
        const content = (response as ResponseObject).content;
        if (!content) continue;
        const problemTypes = Object.keys(content).filter((type) => isProblemMedia(content[type]));
        if (!problemTypes.length) continue;
        const given = problemTypes
          .map((type) => content[type])
          .find((m) => m.example !== undefined || m.examples !== undefined);
        const media: MediaTypeObject = { ...(given ?? {}), schema: { $ref: PROBLEM_SCHEMA_REF } };
        if (!given) {
          media.example = problemExample(status, path, (response as ResponseObject).description ?? '');
        }
        const rest = Object.fromEntries(
          Object.entries(content).filter(([type]) => !problemTypes.includes(type)),
        );
        (response as ResponseObject).content = { [PROBLEM_MEDIA_TYPE]: media, ...rest };
      }
    }
  }
  return out;
}
