import type { OpenAPIObject, ResponseObject } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { buildOpenApiDocument } from '../../src/app.setup.js';
import {
  PROBLEM_MEDIA_TYPE,
  PROBLEM_SCHEMA_REF,
  withProblemExamples,
} from '../../src/common/errors/problem-examples.js';
import { createTestApp, TestApp } from '../setup/test-app.js';

/**
 * Issue 9: the problem answers of the real OpenAPI document each show an example of their own status, and the
 * example is what the API really answers (compared with live answers). The lead wires withProblemExamples into
 * buildOpenApiDocument; until then this test calls it on the built document.
 */
describe('OpenAPI problem examples', () => {
  let t: TestApp;
  let built: OpenAPIObject;
  let document: OpenAPIObject;

  beforeAll(async () => {
    t = await createTestApp();
    built = buildOpenApiDocument(t.app);
    document = withProblemExamples(built);
  });
  afterAll(async () => {
    await t?.close();
  });

  type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
  const responses = (d: OpenAPIObject, path: string, method: Method) =>
    d.paths[path]?.[method]?.responses as Record<string, ResponseObject>;
  const example = (path: string, method: Method, status: string) => {
    const content = responses(document, path, method)[status].content!;
    expect(Object.keys(content)).toEqual([PROBLEM_MEDIA_TYPE]);
    return content[PROBLEM_MEDIA_TYPE].example as Record<string, unknown>;
  };
  /** A live problem answer without the parts that belong to one request. */
  const body = (res: { headers: Record<string, string>; body: Record<string, unknown> }) => {
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const { instance: _i, requestId: _r, ...rest } = res.body;
    return rest;
  };
  const ids = (b: Record<string, unknown>) => ({
    type: b.type,
    title: b.title,
    status: b.status,
    code: b.code,
  });

  it('gives every problem answer of every operation application/problem+json and an example of its own status', () => {
    let problems = 0;
    const statuses = new Set<string>();
    for (const path of Object.keys(document.paths)) {
      for (const method of ['get', 'post', 'patch', 'put', 'delete'] as const) {
        for (const [status, r] of Object.entries(responses(document, path, method) ?? {})) {
          const media = Object.entries(r.content ?? {}).filter(
            ([, m]) => (m.schema as { $ref?: string } | undefined)?.$ref === PROBLEM_SCHEMA_REF,
          );
          if (!media.length) continue;
          problems++;
          statuses.add(status);
          expect([path, method, status, media.map(([type]) => type)]).toEqual([
            path,
            method,
            status,
            [PROBLEM_MEDIA_TYPE],
          ]);
          const ex = media[0][1].example as {
            status: number;
            type: string;
            title: string;
            detail: string;
            code: string;
          };
          expect([path, method, status, ex.status]).toEqual([
            path,
            method,
            status,
            status === 'default' ? 500 : Number(status),
          ]);
          expect(ex).toEqual(
            expect.objectContaining({
              type: expect.stringMatching(/^https:\/\/rapport\.dev\/problems\/[a-z-]+$/),
              title: expect.any(String),
              detail: expect.any(String),
              code: expect.stringMatching(/^[A-Z_]+$/),
            }),
          );
          expect(ex.type).toBe(`https://rapport.dev/problems/${ex.code.toLowerCase().replace(/_/g, '-')}`);
          expect('errors' in ex).toBe(status === '400');
        }
      }
    }
    expect(problems).toBeGreaterThan(400);
    expect([...statuses].sort()).toEqual(
      expect.arrayContaining([
        '400',
        '401',
        '403',
        '404',
        '409',
        '410',
        '412',
        '415',
        '429',
        '503',
        'default',
      ]),
    );
  });

  it('does not change the document it is given, nor the 2xx answers, and is idempotent', () => {
    const before = JSON.stringify(built);
    withProblemExamples(built);
    expect(JSON.stringify(built)).toBe(before);
    expect(responses(document, '/api/v1/contacts/{id}', 'get')['200']).toEqual(
      responses(built, '/api/v1/contacts/{id}', 'get')['200'],
    );
    // Idempotent: true both now and once buildOpenApiDocument itself calls withProblemExamples.
    expect(withProblemExamples(document)).toEqual(document);
  });

  it('GET /contacts/{id}: the 404 example is the answer for an unknown contact', async () => {
    const ex = example('/api/v1/contacts/{id}', 'get', '404');
    expect(ex).toMatchObject({
      status: 404,
      code: 'CONTACT_NOT_FOUND',
      type: 'https://rapport.dev/problems/contact-not-found',
      title: 'Not Found',
    });
    const id = randomUUID();
    const live = body(await t.api().get(`/contacts/${id}`).expect(404));
    expect(live).toEqual({
      ...ex,
      detail: String(ex.detail).replace('3fa85f64-5717-4562-b3fc-2c963f66afa6', id),
    });
  });

  it('the 400, 401 and 403 examples are what the API answers', async () => {
    const ex400 = example('/api/v1/contacts', 'post', '400');
    // The example's own mistakes: an invalid e-mail address and a field the endpoint does not know.
    const live400 = body(
      await t
        .api()
        .post('/contacts', {
          givenName: 'Ada',
          familyName: 'Lovelace',
          emails: [{ address: 'not-an-email' }],
          nickname: 'x',
        })
        .expect(400),
    );
    const sorted = (errors: unknown) =>
      (errors as { field: string; message: string }[]).map((e) => `${e.field}: ${e.message}`).sort();
    expect(ids(live400)).toEqual(ids(ex400));
    expect(sorted(live400.errors)).toEqual(sorted(ex400.errors));
    expect(String(live400.detail).split('; ').sort()).toEqual(String(ex400.detail).split('; ').sort());

    const ex401 = example('/api/v1/contacts/{id}', 'get', '401');
    expect(body(await t.request().get(`/api/v1/contacts/${randomUUID()}`).expect(401))).toEqual(ex401);

    const ex403 = example('/api/v1/api-keys', 'post', '403');
    const staff = await t.createKey('staff');
    const live403 = body(await t.api(staff).post('/api-keys', { name: 'x', role: 'staff' }).expect(403));
    expect(ids(live403)).toEqual(ids(ex403));
    expect(live403.detail).toBe(String(ex403.detail).replace('integration', 'staff'));
  });

  it('PATCH /contacts/{id}: the 412 example is the answer to a stale If-Match', async () => {
    const ex = example('/api/v1/contacts/{id}', 'patch', '412');
    const c = (await t.api().post('/contacts', { givenName: 'Ada', familyName: 'Lovelace' }).expect(201))
      .body as { id: string };
    await t.api().patch(`/contacts/${c.id}`, { jobTitle: 'Countess' }).set('If-Match', '"1"').expect(200);
    await t.api().patch(`/contacts/${c.id}`, { jobTitle: 'Analyst' }).set('If-Match', '"2"').expect(200);
    await t.api().patch(`/contacts/${c.id}`, { jobTitle: 'Poet' }).set('If-Match', '"3"').expect(200);
    const live = body(
      await t.api().patch(`/contacts/${c.id}`, { jobTitle: 'Engineer' }).set('If-Match', '"1"').expect(412),
    );
    expect(live).toEqual(ex);
  });

  it('named statuses show their own codes', () => {
    expect(example('/api/v1/contacts/{id}', 'get', '429')).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      title: 'Too Many Requests',
    });
    expect(example('/api/v1/contacts/{id}', 'get', 'default')).toMatchObject({
      status: 500,
      code: 'INTERNAL_ERROR',
      detail: 'An unexpected error occurred',
    });
    expect(example('/api/v1/contacts/{id}', 'get', '410')).toMatchObject({ status: 410, title: 'Gone' });
    expect(example('/api/v1/contacts/import', 'post', '415')).toMatchObject({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
    expect(example('/health', 'get', '503')).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(example('/api/v1/organisations/{id}/memberships', 'post', '409')).toMatchObject({
      status: 409,
      code: 'NOT_A_NETWORK',
    });
    expect(example('/api/v1/webhook-deliveries/{id}', 'get', '404')).toMatchObject({
      code: 'WEBHOOK_DELIVERY_NOT_FOUND',
    });
    expect(example('/api/v1/follow-ups.ics', 'get', '401')).toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
    expect(Object.keys(responses(document, '/api/v1/follow-ups.ics', 'get')['200'].content!)).toEqual([
      'text/calendar',
    ]);
  });
});
