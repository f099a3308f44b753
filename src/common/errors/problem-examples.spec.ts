import type { OpenAPIObject, ResponseObject } from '@nestjs/swagger';
import {
  PROBLEM_MEDIA_TYPE,
  PROBLEM_SCHEMA_REF,
  problemExample,
  withProblemExamples,
} from './problem-examples.js';

const problem = (description: string, type = PROBLEM_MEDIA_TYPE): ResponseObject => ({
  description,
  content: { [type]: { schema: { $ref: PROBLEM_SCHEMA_REF } } },
});

function doc(): OpenAPIObject {
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: {
      '/api/v1/contacts/{id}': {
        parameters: [],
        get: {
          responses: {
            '200': {
              description: 'The contact',
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/ContactResponseDto' } },
              },
            },
            '400': problem('Malformed input'),
            '401': problem('No or unknown credentials'),
            '403': problem('Allowed roles: admin, staff'),
            '404': problem('', 'application/json'),
            '410': problem('Merged into another contact (`mergedInto`)', 'application/json'),
            '429': problem('Rate limit exceeded'),
            default: problem('Any other error'),
          },
        },
        patch: {
          responses: {
            '200': { description: 'Changed' },
            '409': problem('The interaction is archived', 'application/json'),
            '412': problem('If-Match names a stale version', 'application/json'),
            '413': problem('Too large'),
            '415': problem('Not JSON', 'application/json'),
            '422': problem('Key reused'),
            '428': problem('If-Match required'),
            '503': problem('The database does not answer'),
          },
        },
      },
      '/api/v1/webhook-deliveries/{id}/retry': {
        post: {
          responses: {
            '404': problem(''),
            '409': problem('Not retryable (`DELIVERY_NOT_RETRYABLE`)', 'application/json'),
          },
        },
      },
      '/api/v1/interactions': {
        post: {
          responses: {
            '404': problem('A resource in the path or body does not exist', 'application/json'),
            // Not a problem: a plain JSON error some endpoint documents with its own schema.
            '409': {
              description: 'Other',
              content: {
                'application/json': { schema: { type: 'object', properties: { x: { type: 'string' } } } },
              },
            },
          },
        },
      },
      '/follow-ups.ics': {
        get: {
          responses: {
            '200': { description: 'ics', content: { 'text/calendar': { schema: { type: 'string' } } } },
            '401': problem('Missing, unknown or rotated token', 'text/calendar'),
          },
        },
      },
      '/api/v1/events/{id}': {
        get: {
          responses: {
            '404': {
              description: 'Its own example',
              content: {
                'application/json': {
                  schema: { $ref: PROBLEM_SCHEMA_REF },
                  example: { code: 'EVENT_NOT_FOUND', mine: true },
                },
              },
            },
          },
        },
      },
    },
    components: { schemas: {} },
  };
}

const responsesOf = (d: OpenAPIObject, path: string, method: 'get' | 'patch' | 'post') =>
  d.paths[path][method]!.responses as Record<string, ResponseObject>;
const exampleOf = (d: OpenAPIObject, path: string, method: 'get' | 'patch' | 'post', status: string) => {
  const content = responsesOf(d, path, method)[status].content!;
  expect(Object.keys(content)).toEqual([PROBLEM_MEDIA_TYPE]);
  expect(content[PROBLEM_MEDIA_TYPE].schema).toEqual({ $ref: PROBLEM_SCHEMA_REF });
  return content[PROBLEM_MEDIA_TYPE].example as Record<string, unknown>;
};
const type = (slug: string) => `https://rapport.dev/problems/${slug}`;

describe('withProblemExamples', () => {
  const input = doc();
  const before = structuredClone(input);
  const out = withProblemExamples(input);

  it('leaves its argument unchanged', () => {
    expect(input).toEqual(before);
    expect(out).not.toBe(input);
  });

  it('gives every status of an endpoint its own example, as application/problem+json', () => {
    const c = '/api/v1/contacts/{id}';
    expect(exampleOf(out, c, 'get', '400')).toEqual({
      type: type('validation-failed'),
      title: 'Bad Request',
      status: 400,
      detail: 'address must be an e-mail address; nickname is not a field this endpoint accepts',
      code: 'VALIDATION_FAILED',
      errors: [
        { field: 'emails.0.address', message: 'address must be an e-mail address' },
        { field: 'nickname', message: 'nickname is not a field this endpoint accepts' },
      ],
    });
    expect(exampleOf(out, c, 'get', '401')).toEqual({
      type: type('unauthenticated'),
      title: 'Unauthorized',
      status: 401,
      detail: 'Send a valid X-API-Key header or an OpenID Connect bearer token',
      code: 'UNAUTHENTICATED',
    });
    expect(exampleOf(out, c, 'get', '403')).toMatchObject({
      type: type('forbidden'),
      title: 'Forbidden',
      status: 403,
      code: 'FORBIDDEN',
    });
    expect(exampleOf(out, c, 'get', '404')).toEqual({
      type: type('contact-not-found'),
      title: 'Not Found',
      status: 404,
      detail: 'Contact 3fa85f64-5717-4562-b3fc-2c963f66afa6 was not found',
      code: 'CONTACT_NOT_FOUND',
    });
    expect(exampleOf(out, c, 'get', '410')).toEqual({
      type: type('gone'),
      title: 'Gone',
      status: 410,
      detail: 'Merged into another contact (`mergedInto`)',
      code: 'GONE',
    });
    expect(exampleOf(out, c, 'get', '429')).toMatchObject({
      type: type('rate-limited'),
      title: 'Too Many Requests',
      status: 429,
      code: 'RATE_LIMITED',
    });
    expect(exampleOf(out, c, 'get', 'default')).toEqual({
      type: type('internal-error'),
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred',
      code: 'INTERNAL_ERROR',
    });

    expect(exampleOf(out, c, 'patch', '409')).toEqual({
      type: type('conflict'),
      title: 'Conflict',
      status: 409,
      detail: 'The interaction is archived',
      code: 'CONFLICT',
    });
    expect(exampleOf(out, c, 'patch', '412')).toEqual({
      type: type('version-mismatch'),
      title: 'Precondition Failed',
      status: 412,
      detail: 'The resource has changed (current version 4); fetch it again',
      code: 'VERSION_MISMATCH',
      currentVersion: 4,
    });
    expect(exampleOf(out, c, 'patch', '413')).toMatchObject({
      status: 413,
      title: 'Payload Too Large',
      code: 'PAYLOAD_TOO_LARGE',
      type: type('payload-too-large'),
    });
    expect(exampleOf(out, c, 'patch', '415')).toMatchObject({
      status: 415,
      title: 'Unsupported Media Type',
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
    expect(exampleOf(out, c, 'patch', '422')).toMatchObject({
      status: 422,
      code: 'IDEMPOTENCY_KEY_REUSED',
      type: type('idempotency-key-reused'),
    });
    expect(exampleOf(out, c, 'patch', '428')).toMatchObject({
      status: 428,
      title: 'Precondition Required',
      code: 'PRECONDITION_REQUIRED',
    });
    expect(exampleOf(out, c, 'patch', '503')).toEqual({
      type: type('service-unavailable'),
      title: 'Service Unavailable',
      status: 503,
      detail: 'The database does not answer',
      code: 'SERVICE_UNAVAILABLE',
    });
  });

  it('no two statuses share an example, and each example carries its own status', () => {
    const all = Object.entries(responsesOf(out, '/api/v1/contacts/{id}', 'get'))
      .concat(Object.entries(responsesOf(out, '/api/v1/contacts/{id}', 'patch')))
      .filter(([, r]) => r.content?.[PROBLEM_MEDIA_TYPE]);
    expect(all).toHaveLength(14);
    for (const [status, r] of all) {
      const example = r.content![PROBLEM_MEDIA_TYPE].example as { status: number; code: string };
      expect(example.status).toBe(status === 'default' ? 500 : Number(status));
      if (status !== '400') expect(example).not.toHaveProperty('errors');
    }
    expect(
      new Set(all.map(([, r]) => (r.content![PROBLEM_MEDIA_TYPE].example as { code: string }).code)).size,
    ).toBe(14);
  });

  it('takes a code the description names, and the entity of a 404 from the path', () => {
    const p = '/api/v1/webhook-deliveries/{id}/retry';
    expect(exampleOf(out, p, 'post', '409')).toEqual({
      type: type('delivery-not-retryable'),
      title: 'Conflict',
      status: 409,
      detail: 'Not retryable',
      code: 'DELIVERY_NOT_RETRYABLE',
    });
    expect(exampleOf(out, p, 'post', '404')).toMatchObject({
      code: 'WEBHOOK_DELIVERY_NOT_FOUND',
      detail: `Webhook delivery 3fa85f64-5717-4562-b3fc-2c963f66afa6 was not found`,
    });
    expect(exampleOf(out, '/api/v1/interactions', 'post', '404')).toEqual({
      type: type('not-found'),
      title: 'Not Found',
      status: 404,
      detail: 'No such resource or route',
      code: 'NOT_FOUND',
    });
  });

  it('makes a problem declared under another media type application/problem+json, and keeps the others', () => {
    const r = responsesOf(out, '/follow-ups.ics', 'get');
    expect(exampleOf(out, '/follow-ups.ics', 'get', '401')).toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
    expect(r['200']).toEqual(responsesOf(before, '/follow-ups.ics', 'get')['200']);
  });

  it('leaves 2xx answers, non-problem schemas, path-level fields and answers without content untouched', () => {
    for (const [path, item] of Object.entries(before.paths)) {
      for (const method of ['get', 'patch', 'post'] as const) {
        for (const [status, r] of Object.entries(
          (item[method]?.responses ?? {}) as Record<string, ResponseObject>,
        )) {
          const isProblem = Object.values(r.content ?? {}).some(
            (m) => (m.schema as { $ref?: string })?.$ref === PROBLEM_SCHEMA_REF,
          );
          if (!isProblem) {
            expect([path, method, status, responsesOf(out, path, method)[status]]).toEqual([
              path,
              method,
              status,
              r,
            ]);
          }
        }
      }
    }
    expect(out.paths['/api/v1/contacts/{id}'].parameters).toEqual([]);
    expect(out.components).toEqual(before.components);
  });

  it('keeps an example the endpoint gave itself', () => {
    expect(exampleOf(out, '/api/v1/events/{id}', 'get', '404')).toEqual({
      code: 'EVENT_NOT_FOUND',
      mine: true,
    });
  });

  it('problemExample: singular entity names as NotFoundError writes them', () => {
    expect(problemExample(404, '/api/v1/users/{id}/calendar-token').code).toBe('USER_NOT_FOUND');
    expect(problemExample(404, '/api/v1/api-keys/{id}').code).toBe('API_KEY_NOT_FOUND');
    expect(problemExample(404, '/api/v1/follow-ups/{id}').code).toBe('FOLLOW_UP_NOT_FOUND');
    expect(problemExample(404, '/api/v1/bases/{id}/end').code).toBe('BASIS_NOT_FOUND');
    expect(problemExample(404, '/api/v1/contacts/{id}/connections/{connectionId}').code).toBe(
      'CONNECTION_NOT_FOUND',
    );
    expect(problemExample(405, '/x')).toMatchObject({
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
      title: 'Method Not Allowed',
    });
  });
});
