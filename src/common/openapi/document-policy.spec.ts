import type { OpenAPIObject } from '@nestjs/swagger';
import { withDocumentPolicy } from './document-policy.js';

const doc = (): OpenAPIObject => ({
  openapi: '3.0.0',
  info: { title: 't', version: '1' },
  paths: {
    '/api/v1/contacts/{id}': {
      get: {
        tags: ['contacts'],
        responses: {
          '200': { description: 'ok' },
          '404': { description: 'missing', headers: { 'X-RateLimit-Limit': { description: 'own' } } },
        },
      },
    },
    '/health': { get: { responses: { '200': { description: 'ok' } } } },
  },
});

describe('withDocumentPolicy', () => {
  it('documents the rate-limit headers on every 2xx and 4xx, 429 and 500 on every operation, tags and a server', () => {
    const input = doc();
    const out = withDocumentPolicy(input);
    const contact = out.paths['/api/v1/contacts/{id}'].get!.responses as Record<
      string,
      { headers?: Record<string, unknown>; content?: Record<string, { example?: { status?: number } }> }
    >;
    expect(Object.keys(contact['200'].headers!)).toEqual([
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
    ]);
    expect(contact['404'].headers!['X-RateLimit-Limit']).toEqual({ description: 'own' });
    expect(contact['429'].headers!['Retry-After']).toEqual({ $ref: '#/components/headers/Retry-After' });
    expect(contact['429'].content!['application/problem+json'].example!.status).toBe(429);
    expect(contact['500'].content!['application/problem+json'].example!.status).toBe(500);
    expect(contact['500'].headers).toBeUndefined();
    expect(Object.keys(out.paths['/health'].get!.responses)).toEqual(['200', '429', '500']);
    expect(out.tags).toEqual([{ name: 'contacts' }]);
    expect(out.servers).toEqual([
      { url: '/', description: expect.stringContaining('production') as string, 'x-internal': false },
    ]);
    expect(Object.keys(out.components!.headers!)).toEqual([
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
      'Retry-After',
    ]);
    // pure and idempotent
    expect(input).toEqual(doc());
    expect(withDocumentPolicy(out)).toEqual(out);
  });
});
