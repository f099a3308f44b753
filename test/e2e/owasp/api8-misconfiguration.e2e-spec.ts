import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { API, createTestApp, TestApp } from '../../setup/test-app.js';

/**
 * OWASP API8:2023 Security Misconfiguration: security headers on every answer (errors included), no
 * fingerprinting header, CORS closed, and no stack trace, SQL or file path in any problem body.
 */

interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  text: string;
}

/** Anything an error body must never show: stack frames, SQL, driver errors, paths on the server. */
const LEAKS: [string, RegExp][] = [
  ['stack frame', /\bat [^\n]*\.(?:js|ts|mjs|cjs):\d+/],
  ['stack frame (anonymous)', /\bat (?:async )?[\w$.<>]+ \(/],
  ['SQL SELECT', /\bSELECT\b[\s\S]*\bFROM\b/i],
  ['SQL INSERT', /\bINSERT\s+INTO\b/i],
  ['SQL UPDATE', /\bUPDATE\s+"?\w+"?\s+SET\b/i],
  ['SQL DELETE', /\bDELETE\s+FROM\b/i],
  ['PostgreSQL message', /violates|duplicate key value|syntax error at or near|invalid input syntax|relation "|column "/i],
  ['driver error name', /QueryFailedError|EntityNotFound|TypeORMError|TypeError|ReferenceError|SyntaxError: /],
  ['server path', /\/work\/|\/home\/|\/usr\/|\/tmp\/|[A-Z]:\\\\/],
  ['node_modules', /node_modules/],
  ['build output', /\bdist\//],
  ['source file', /\bsrc\/[\w/-]+\.(?:ts|js)\b/],
  ['stack property', /"stack"\s*:/],
];

const leaksIn = (text: string) => LEAKS.filter(([, re]) => re.test(text)).map(([name]) => name);

describe('OWASP API8:2023 Security misconfiguration', () => {
  let t: TestApp;
  let port: number;
  let staffKey: string;

  beforeAll(async () => {
    t = await createTestApp();
    staffKey = await t.createKey('staff');
    await new Promise<void>((resolve) => t.app.getHttpServer().listen(0, '127.0.0.1', resolve));
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t.close();
  });

  /** Raw bytes for what supertest cannot send; the answer parsed minimally. */
  const raw = (request: string) =>
    new Promise<Answer>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      let out = '';
      socket.on('data', (d: Buffer) => (out += d.toString('utf8')));
      socket.on('end', () => {
        const [head, ...rest] = out.split('\r\n\r\n');
        const headers: Record<string, string> = {};
        for (const line of head.split('\r\n').slice(1)) {
          const i = line.indexOf(':');
          headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
        }
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers, text: rest.join('\r\n\r\n') });
      });
      socket.on('error', reject);
      socket.write(request);
    });

  const asAnswer = (res: { status: number; headers: Record<string, string>; text: string }): Answer => ({ status: res.status, headers: res.headers, text: res.text });

  const expectSecurityHeaders = (what: string, res: Answer) => {
    const h = res.headers;
    const seen = {
      what,
      csp: h['content-security-policy'],
      nosniff: h['x-content-type-options'],
      frame: h['x-frame-options'],
      referrer: h['referrer-policy'],
      hsts: h['strict-transport-security'],
      poweredBy: h['x-powered-by'],
    };
    expect(seen).toEqual({
      what,
      csp: expect.stringMatching(/frame-ancestors 'none'/),
      nosniff: 'nosniff',
      frame: expect.stringMatching(/^(DENY|SAMEORIGIN)$/),
      referrer: 'no-referrer',
      hsts: expect.stringMatching(/max-age=\d{7,}/),
      poweredBy: undefined,
    });
    expect({ what, csp: h['content-security-policy'] }).toEqual({ what, csp: expect.stringMatching(/default-src 'self'/) });
    expect({ what, csp: h['content-security-policy'] }).toEqual({ what, csp: expect.not.stringMatching(/unsafe-eval|script-src[^;]*'unsafe-inline'/) });
  };

  describe('security headers', () => {
    it('a successful API answer carries CSP, nosniff, frame, referrer and HSTS headers and no X-Powered-By', async () => {
      expectSecurityHeaders('GET /contacts', asAnswer(await t.api().get('/contacts').expect(200)));
    });

    it('error answers (401, 403, 404, 400 malformed JSON, 413, 415, 405) carry the same headers', async () => {
      const contact = (await t.api().post('/contacts', { givenName: 'H', familyName: 'Eaders' }).expect(201)).body.id as string;
      const cases: [string, () => Promise<Answer>][] = [
        ['401 no key', async () => asAnswer(await t.request().get(`${API}/contacts`))],
        ['403 staff on api-keys', async () => asAnswer(await t.api(staffKey).get('/api-keys'))],
        ['404 unknown id', async () => asAnswer(await t.api().get(`/contacts/${randomUUID()}`))],
        ['404 unknown route', async () => asAnswer(await t.request().get('/nope'))],
        ['400 malformed JSON', async () => asAnswer(await t.request().post(`${API}/contacts`).set('X-API-Key', t.adminKey).set('Content-Type', 'application/json').send('{"a":'))],
        ['413', async () => asAnswer(await t.api().post('/contacts', { givenName: 'x'.repeat(1_100_000), familyName: 'y' }))],
        ['415', async () => asAnswer(await t.request().post(`${API}/contacts`).set('X-API-Key', t.adminKey).set('Content-Type', 'text/plain').send('hi'))],
        ['405', async () => asAnswer(await t.api().delete(`/consents/${randomUUID()}`))],
        ['400 bad uuid', async () => asAnswer(await t.api().get(`/contacts/${contact}x`))],
      ];
      for (const [what, call] of cases) {
        const res = await call();
        expect({ what, error: res.status >= 400 }).toEqual({ what, error: true });
        expectSecurityHeaders(what, res);
      }
    });

    it('public answers (/health, /openapi.json, /docs, JWKS) carry them too', async () => {
      for (const path of ['/health', '/openapi.json', '/docs', '/.well-known/jwks.json']) {
        expectSecurityHeaders(path, asAnswer(await t.request().get(path)));
      }
    });

    const parserCases = [
      ['431', `GET ${API}/contacts HTTP/1.1\r\nHost: x\r\nX-Filler: ${'a'.repeat(20_000)}\r\n\r\n`],
      ['400 malformed', 'GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n'],
    ] as const;

    it('answers Node\'s parser gives before any route (431, malformed request) are problems without fingerprints or internals', async () => {
      for (const [what, request] of parserCases) {
        const res = await raw(request);
        expect({ what, type: res.headers['content-type'], poweredBy: res.headers['x-powered-by'] }).toEqual({
          what,
          type: expect.stringMatching(/^application\/problem\+json/),
          poweredBy: undefined,
        });
        expect({ what, leaks: leaksIn(res.text) }).toEqual({ what, leaks: [] });
      }
    });

    // FINDING (lead, src/app.setup.ts configureServer): the raw answers written to the socket on 'clientError'
    // (431, 400, 408) carry none of helmet's headers; at least X-Content-Type-Options: nosniff belongs there.
    it('answers Node\'s parser gives before any route carry X-Content-Type-Options: nosniff', async () => {
      for (const [what, request] of parserCases) {
        const res = await raw(request);
        expect({ what, nosniff: res.headers['x-content-type-options'] }).toEqual({ what, nosniff: 'nosniff' });
      }
    });
  });

  describe('CORS', () => {
    it('a cross-origin GET gets no Access-Control-Allow-Origin (nor credentials)', async () => {
      const res = await t.api().get('/contacts').set('Origin', 'https://evil.example');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    });

    it('a CORS preflight from another origin is not granted: no allow-origin, -methods or -headers', async () => {
      for (const path of [`${API}/contacts`, `${API}/api-keys`, '/health']) {
        const res = await t
          .request()
          .options(path)
          .set('Origin', 'https://evil.example')
          .set('Access-Control-Request-Method', 'POST')
          .set('Access-Control-Request-Headers', 'x-api-key, content-type');
        const seen = {
          path,
          origin: res.headers['access-control-allow-origin'],
          methods: res.headers['access-control-allow-methods'],
          headers: res.headers['access-control-allow-headers'],
          credentials: res.headers['access-control-allow-credentials'],
        };
        expect(seen).toEqual({ path, origin: undefined, methods: undefined, headers: undefined, credentials: undefined });
      }
    });

    it('a cross-origin error answer gets no Access-Control-Allow-Origin either', async () => {
      const res = await t.request().get(`${API}/contacts`).set('Origin', 'null');
      expect(res.status).toBe(401);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('problem bodies show no internals', () => {
    it('every kind of error the API can be pushed into answers a problem without stack, SQL or paths, and never a 500', async () => {
      const contact = (await t.api().post('/contacts', { givenName: 'Leak', familyName: 'Check', emails: [{ address: `leak-${randomUUID()}@example.org` }] }).expect(201)).body;
      const org = (await t.api().post('/organisations', { name: `Leak Org ${randomUUID()}` }).expect(201)).body;
      await t.api().post('/contacts', { givenName: 'Member', familyName: 'Of', organisationId: org.id }).expect(201);
      await t.api().post('/purposes', { key: 'leak-dup', name: 'Dup', description: 'd', legalBasis: 'consent', dataCategories: ['givenName'] }).expect(201);
      const email = `dup-${randomUUID()}@example.org`;
      await t.api().post('/users', { name: 'Dup', email, role: 'staff' }).expect(201);
      const idem = randomUUID();
      await t.api().post('/organisations', { name: 'Idem A' }).set('Idempotency-Key', idem).expect(201);

      const cases: [string, () => Promise<Answer>][] = [
        ['malformed JSON', async () => asAnswer(await t.request().post(`${API}/contacts`).set('X-API-Key', t.adminKey).set('Content-Type', 'application/json').send('{"givenName": "A",'))],
        ['JSON with a trailing garbage', async () => asAnswer(await t.request().post(`${API}/contacts`).set('X-API-Key', t.adminKey).set('Content-Type', 'application/json').send('{} {}'))],
        ['JSON scalar body', async () => asAnswer(await t.request().post(`${API}/contacts`).set('X-API-Key', t.adminKey).set('Content-Type', 'application/json').send('"text"'))],
        ['bad UUID in path', async () => asAnswer(await t.api().get('/contacts/not-a-uuid'))],
        ['bad UUID in query', async () => asAnswer(await t.api().get('/contacts?organisationId=zzz'))],
        ['bad UUID in body', async () => asAnswer(await t.api().post('/contacts', { givenName: 'A', familyName: 'B', organisationId: "1' OR '1'='1" }))],
        ['wrong types', async () => asAnswer(await t.api().post('/contacts', { givenName: 12, familyName: { $ne: 1 }, tags: 'x' }))],
        ['number out of range', async () => asAnswer(await t.request().post(`${API}/purposes`).set('X-API-Key', t.adminKey).set('Content-Type', 'application/json').send('{"key":"k-big","name":"n","description":"d","legalBasis":"consent","dataCategories":["givenName"],"retentionDays":1e309}'))],
        ['garbage cursor', async () => asAnswer(await t.api().get('/contacts?cursor=%27%3B--'))],
        ['garbage base64 cursor', async () => asAnswer(await t.api().get(`/audit-events?cursor=${Buffer.from('["x","y","z"]').toString('base64url')}`))],
        ['bad date', async () => asAnswer(await t.api().get('/audit-events?from=yesterday'))],
        ['impossible date', async () => asAnswer(await t.api().post('/interactions', { type: 'call', occurredAt: '2024-02-30T25:61:00Z', summary: 's', contactIds: [contact.id] }))],
        ['unknown route under the prefix', async () => asAnswer(await t.api().get('/definitely-not-a-route'))],
        ['unknown route outside', async () => asAnswer(await t.request().get('/etc/passwd'))],
        ['405', async () => asAnswer(await t.api().patch(`/consents/${randomUUID()}`, {}))],
        ['413', async () => asAnswer(await t.api().post('/contacts', { givenName: 'x'.repeat(1_100_000), familyName: 'y' }))],
        ['415', async () => asAnswer(await t.request().post(`${API}/contacts`).set('X-API-Key', t.adminKey).set('Content-Type', 'application/xml').send('<a/>'))],
        ['414', async () => asAnswer(await t.api().get(`/contacts?q=${'a'.repeat(9000)}`))],
        ['unsupported charset', async () => asAnswer(await t.request().post(`${API}/contacts`).set('X-API-Key', t.adminKey).set('Content-Type', 'application/json; charset=ebcdic').send('{}'))],
        ['unsupported content-encoding', async () => asAnswer(await t.request().post(`${API}/contacts`).set('X-API-Key', t.adminKey).set('Content-Type', 'application/json').set('Content-Encoding', 'compress').send('{}'))],
        ['brotli that is not brotli', async () => asAnswer(await t.request().post(`${API}/contacts`).set('X-API-Key', t.adminKey).set('Content-Type', 'application/json').set('Content-Encoding', 'br').send('{}'))],
        ['gzip that is not gzip', async () => asAnswer(await t.request().post(`${API}/contacts`).set('X-API-Key', t.adminKey).set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send('{"givenName":"A"}'))],
        ['duplicate purpose key (unique)', async () => asAnswer(await t.api().post('/purposes', { key: 'leak-dup', name: 'Dup', description: 'd', legalBasis: 'consent', dataCategories: ['givenName'] }))],
        ['duplicate user e-mail (unique)', async () => asAnswer(await t.api().post('/users', { name: 'Dup', email, role: 'staff' }))],
        ['unknown organisation (FK)', async () => asAnswer(await t.api().post('/contacts', { givenName: 'A', familyName: 'B', organisationId: randomUUID() }))],
        ['unknown owner (FK)', async () => asAnswer(await t.api().post('/contacts', { givenName: 'A', familyName: 'B', ownerId: randomUUID() }))],
        ['unknown contact in an interaction (FK)', async () => asAnswer(await t.api().post('/interactions', { type: 'call', occurredAt: '2024-01-01T10:00:00Z', summary: 's', contactIds: [randomUUID()] }))],
        ['unknown recipient (FK)', async () => asAnswer(await t.api().post('/api-keys', { name: 'I', role: 'integration', recipientId: randomUUID() }))],
        ['unknown purpose on a consent', async () => asAnswer(await t.api().post(`/contacts/${contact.id}/consents`, { purpose: 'no-such-purpose', method: 'web_form', noticeVersion: 'v1' }))],
        ['stale If-Match', async () => asAnswer(await t.api().patch(`/contacts/${contact.id}`, { jobTitle: 'x' }).set('If-Match', '"999"'))],
        ['malformed If-Match', async () => asAnswer(await t.api().patch(`/contacts/${contact.id}`, { jobTitle: 'x' }).set('If-Match', 'W/"x", *, "'))],
        ['idempotency key reused with another body', async () => asAnswer(await t.api().post('/organisations', { name: 'Idem B' }).set('Idempotency-Key', idem))],
        ['unknown field', async () => asAnswer(await t.api().post('/contacts', { givenName: 'A', familyName: 'B', isAdmin: true }))],
        ['bad API key', async () => asAnswer(await t.request().get(`${API}/contacts`).set('X-API-Key', "rapk_' OR 1=1 --"))],
        ['bad bearer token', async () => asAnswer(await t.request().get(`${API}/contacts`).set('Authorization', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'))],
        ['forbidden role', async () => asAnswer(await t.api(staffKey).get('/audit-events'))],
        ['bad enum', async () => asAnswer(await t.api().post('/organisations', { name: 'E', kind: "company'; DROP TABLE contacts; --" }))],
        ['bad limit', async () => asAnswer(await t.api().get('/contacts?limit=-1'))],
        ['import garbage CSV', async () => asAnswer(await t.request().post(`${API}/contacts/import`).set('X-API-Key', t.adminKey).set('Content-Type', 'text/csv').send('givenName,familyName\n"unclosed,x\n'))],
        ['import binary as vCard', async () => asAnswer(await t.request().post(`${API}/contacts/import`).set('X-API-Key', t.adminKey).set('Content-Type', 'text/vcard').send(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80])))],
        ['consent check for an unknown recipient', async () => asAnswer(await t.api().get(`/consent-check?contactId=${contact.id}&purpose=leak-dup&recipientId=${randomUUID()}`))],
        ['merge with itself', async () => asAnswer(await t.api().post(`/contacts/${contact.id}/merge`, { duplicateId: contact.id }))],
      ];
      const problems: string[] = [];
      for (const [what, call] of cases) {
        const res = await call();
        const leaks = leaksIn(res.text);
        if (res.status >= 500 || res.status < 400) problems.push(`${what}: status ${res.status}`);
        if (!/^application\/problem\+json/.test(res.headers['content-type'] ?? '')) problems.push(`${what}: content-type ${res.headers['content-type']}`);
        if (leaks.length) problems.push(`${what}: ${leaks.join(', ')} in ${res.text.slice(0, 300)}`);
      }
      expect(problems).toEqual([]);
    });

    it('a path-traversal attempt under /docs does not serve a file of the project', async () => {
      for (const p of ['/docs/..%2f..%2fpackage.json', '/docs/%2e%2e/%2e%2e/package.json', '/docs/..\\..\\package.json', '/docs/../../.env']) {
        const res = await t.request().get(p);
        expect({ p, leaks: leaksIn(res.text), pkg: /"dependencies"|MASTER_KEY=|DATABASE_URL=/.test(res.text) }).toEqual({ p, leaks: [], pkg: false });
      }
    });

    // FINDING (lead: the JSON parser in src/app.setup.ts or the global ValidationPipe): class-transformer drops
    // `__proto__` and `constructor` keys before the whitelist check, so a body carrying them is accepted (201)
    // although the contract makes every unknown body field a 400.
    it('a body with __proto__ or constructor keys is refused like any unknown field (400) and creates nothing', async () => {
      const before = (await t.sql<{ n: string }>('SELECT count(*) AS n FROM contacts'))[0].n;
      for (const body of ['{"givenName":"A","familyName":"B","__proto__":{"isAdmin":true}}', '{"givenName":"A","familyName":"B","constructor":{"prototype":{"isAdmin":true}}}']) {
        const res = await t.request().post(`${API}/contacts`).set('X-API-Key', t.adminKey).set('Content-Type', 'application/json').send(body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
      }
      expect((await t.sql<{ n: string }>('SELECT count(*) AS n FROM contacts'))[0].n).toBe(before);
    });

    it('duplicate unique values are 409, not 500', async () => {
      const key = `uq-${randomUUID().slice(0, 8)}`;
      const body = { key, name: 'U', description: 'd', legalBasis: 'consent', dataCategories: ['givenName'] };
      await t.api().post('/purposes', body).expect(201);
      const res = await t.api().post('/purposes', body);
      expect(res.status).toBe(409);
      expect(leaksIn(JSON.stringify(res.body))).toEqual([]);
    });
  });
});
