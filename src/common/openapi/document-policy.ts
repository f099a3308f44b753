import type {
  HeaderObject,
  OpenAPIObject,
  ReferenceObject,
  ResponseObject,
  ServerObject,
} from '@nestjs/swagger';
import { PROBLEM_MEDIA_TYPE, PROBLEM_SCHEMA_REF, problemExample } from '../errors/problem-examples.js';

const OPERATIONS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The headers express-rate-limit sends on every counted answer (src/auth/rate-limiter.ts: legacyHeaders). */
const RATE_LIMIT_HEADERS: Record<string, HeaderObject> = {
  'X-RateLimit-Limit': {
    description:
      'Requests allowed per minute for this credential (or client address). Sent while rate limiting is on.',
    schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 2147483647 },
  },
  'X-RateLimit-Remaining': {
    description: 'Requests left in the current minute.',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 2147483647 },
  },
  'X-RateLimit-Reset': {
    description: 'When the current window ends (Unix time, seconds).',
    schema: { type: 'integer', format: 'int64', minimum: 0, maximum: 9007199254740991 },
  },
};
const RETRY_AFTER: HeaderObject = {
  description: 'Seconds to wait before retrying.',
  schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 86400 },
};

const headerRef = (name: string): ReferenceObject => ({ $ref: `#/components/headers/${name}` });

const problemResponse = (status: number, path: string, description: string): ResponseObject => ({
  description,
  ...(status === 429 ? { headers: { 'Retry-After': headerRef('Retry-After') } } : {}),
  content: {
    [PROBLEM_MEDIA_TYPE]: {
      schema: { $ref: PROBLEM_SCHEMA_REF },
      example: problemExample(status, path, description),
    },
  },
});

/**
 * Document-wide facts no single route declares (the API's OpenAPI hygiene, checked by `tools/openapi-lint.mjs`):
 * - the rate-limit headers on every 2xx and 4xx answer, `Retry-After` on 429; every operation, public ones too
 *   (they are counted per client address), documents its 429;
 * - an explicit 500 problem besides `default`;
 * - the tags the operations use are declared, and a relative server (the document is served by the API itself),
 *   with its environment and audience (`x-internal: false`).
 * Idempotent; keeps whatever a route declared itself. Pure: returns a new document, the argument is not changed.
 */
export function withDocumentPolicy(input: OpenAPIObject): OpenAPIObject {
  const document = structuredClone(input);
  const components = (document.components ??= {});
  const headers = (components.headers ??= {});
  for (const [name, header] of Object.entries(RATE_LIMIT_HEADERS)) headers[name] ??= header;
  headers['Retry-After'] ??= RETRY_AFTER;

  const tags = new Set<string>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of OPERATIONS) {
      const op = item[method];
      if (!op) continue;
      for (const tag of op.tags ?? []) tags.add(tag);
      const responses = (op.responses ??= {});
      responses['429'] ??= problemResponse(429, path, 'Rate limit exceeded (see Retry-After)');
      responses['500'] ??= problemResponse(500, path, 'Unexpected error');
      for (const [status, response] of Object.entries(responses)) {
        if (!response || !/^[24]/.test(status) || '$ref' in response) continue;
        const r = response as ResponseObject;
        r.headers = {
          ...Object.fromEntries(Object.keys(RATE_LIMIT_HEADERS).map((n) => [n, headerRef(n)])),
          ...r.headers,
        };
        if (status === '429') r.headers['Retry-After'] ??= headerRef('Retry-After');
      }
    }
  }
  const declared = new Set((document.tags ?? []).map((t) => t.name));
  document.tags = [
    ...(document.tags ?? []),
    ...[...tags]
      .filter((t) => !declared.has(t))
      .sort()
      .map((name) => ({ name })),
  ];
  // Relative: the document is served by the deployment it describes, whichever environment that is. Meant for
  // the integrators API.md addresses (HR, marketing and staff tools), not internal only.
  if (!document.servers?.length) {
    document.servers = [
      {
        url: '/',
        description: 'This deployment (production, staging or local: the one serving this document)',
        'x-internal': false,
      } as ServerObject,
    ];
  }
  return document;
}
