import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import { API, createTestApp, TestApp } from '../setup/test-app.js';

const PROBLEM = /^application\/problem\+json/;

/** The HTTP edge on Express: what reaches a handler, and what is answered before one runs. */
describe('HTTP edge', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp();
    port = await t.listen();
  });
  afterAll(async () => {
    await t.close();
  });

  const expectProblem = (res: { status: number; headers: Record<string, string>; body: { code?: string } }, status: number, code?: string) => {
    expect({ status: res.status, type: res.headers['content-type'] }).toEqual({ status, type: expect.stringMatching(PROBLEM) });
    if (code) expect(res.body.code).toBe(code);
  };

  /** Sends raw bytes and reads the whole answer (for requests supertest cannot make). */
  const raw = (request: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      let out = '';
      socket.on('data', (d) => (out += d.toString('utf8')));
      socket.on('end', () => resolve(out));
      socket.on('error', reject);
      socket.write(request);
    });

  describe('security headers', () => {
    it("should set helmet's headers on every answer (a read, a problem outside the API, a 401), as helmet's middleware sets them", async () => {
      const { HELMET_OPTIONS } = await import('../../src/app.setup.js');
      const { default: helmet } = await import('helmet');
      const { IncomingMessage, ServerResponse } = await import('node:http');
      const reference = new ServerResponse(new IncomingMessage(new net.Socket()));
      helmet(HELMET_OPTIONS)(reference.req as never, reference as never, () => undefined);
      const expected = reference.getHeaders() as Record<string, string>;
      expect(expected).toMatchObject({
        'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
      });
      expect(Object.keys(expected).length).toBeGreaterThanOrEqual(12);
      const contact = randomUUID();
      for (const req of [t.request().get('/health'), t.request().get('/nowhere'), t.request().get(`${API}/contacts/${contact}`)]) {
        const answer = await req;
        expect(answer.headers).toMatchObject(expected);
      }
    });
  });

  describe('action endpoints take an empty body', () => {
    const actions = (ids: { contact: string; recipient: string }) => [
      { path: `/contacts/${ids.contact}/erase`, ok: 200 },
      { path: `/recipients/${ids.recipient}/rotate-secret`, ok: 200 },
      { path: '/signing-keys/rotate', ok: 201 },
      { path: `/consents/${randomUUID()}/withdraw`, ok: 404 },
      { path: `/webhook-deliveries/${randomUUID()}/retry`, ok: 404 },
      { path: `/contacts/${randomUUID()}/restore`, ok: 404 },
    ];

    it.each(['no body at all', 'Content-Type: application/json with an empty body'])('should accept %s', async (kind) => {
      const contact = (await t.api().post('/contacts', { givenName: 'Eve', familyName: 'Empty' }).expect(201)).body.id as string;
      const recipient = (await t.api().post('/recipients', { name: `R ${randomUUID()}`, kind: 'internal_tool' }).expect(201)).body.id as string;
      for (const a of actions({ contact, recipient })) {
        let req = t.request().post(API + a.path).set('X-API-Key', t.adminKey);
        if (kind !== 'no body at all') req = req.set('Content-Type', 'application/json');
        const res = await req;
        expect({ path: a.path, status: res.status }).toEqual({ path: a.path, status: a.ok === 201 ? expect.any(Number) : a.ok });
        expect(res.status).toBeLessThan(a.ok === 404 ? 405 : 300);
      }
    });
  });

  describe('bodies nobody asked for', () => {
    it('should refuse a form-encoded body on a JSON endpoint with 415 and create nothing', async () => {
      const before = await t.sql<{ n: string }>('SELECT count(*) AS n FROM api_keys');
      const res = await t
        .request()
        .post(`${API}/api-keys`)
        .set('X-API-Key', t.adminKey)
        .type('form')
        .send('name=sneaky&role=admin');
      expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(await t.sql<{ n: string }>('SELECT count(*) AS n FROM api_keys')).toEqual(before);
    });

    it('should refuse text/plain with 415', async () => {
      const res = await t.request().post(`${API}/contacts`).set('X-API-Key', t.adminKey).set('Content-Type', 'text/plain').send('hello');
      expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('should refuse a JSON body on an endpoint that takes none with 400', async () => {
      const res = await t.api().post('/signing-keys/rotate', { anything: true });
      expectProblem(res, 400, 'BODY_NOT_ALLOWED');
    });

    it('should refuse a null body with 400 (not an empty patch)', async () => {
      const contact = (await t.api().post('/contacts', { givenName: 'Nils', familyName: 'Null' }).expect(201)).body;
      const res = await t.request().patch(`${API}/contacts/${contact.id}`).set('X-API-Key', t.adminKey).set('Content-Type', 'application/json').send('null');
      expectProblem(res, 400, 'MALFORMED_JSON');
    });

    it('should refuse malformed JSON with 400 MALFORMED_JSON', async () => {
      const res = await t.request().post(`${API}/contacts`).set('X-API-Key', t.adminKey).set('Content-Type', 'application/json').send('{"givenName": ');
      expectProblem(res, 400, 'MALFORMED_JSON');
    });

    it('should refuse JSON nested 10,000 levels deep with 400, on every kind of endpoint', async () => {
      const deep = '['.repeat(10_000) + ']'.repeat(10_000);
      for (const path of ['/contacts', '/consent-check', '/contacts/search', '/signing-keys/rotate']) {
        const res = await t.request().post(API + path).set('X-API-Key', t.adminKey).set('Content-Type', 'application/json').send(`{"a": ${deep}}`);
        expectProblem(res, 400);
      }
    });

    it('should answer a body over 1 MiB with 413', async () => {
      const res = await t.api().post('/contacts', { givenName: 'x'.repeat(1024 * 1024 + 10), familyName: 'Big' });
      expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
    });
  });

  describe('requests refused before routing', () => {
    it('should answer a request target over 8 KiB with 414 problem+json', async () => {
      const res = await t.request().get(`${API}/contacts?q=${'a'.repeat(9000)}`).set('X-API-Key', t.adminKey);
      expectProblem(res, 414, 'URI_TOO_LONG');
    });

    it('should answer headers over 16 KiB with 431 problem+json', async () => {
      const answer = await raw(`GET ${API}/contacts HTTP/1.1\r\nHost: x\r\nX-Filler: ${'a'.repeat(20_000)}\r\n\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 431 /);
      expect(answer).toMatch(/content-type: application\/problem\+json/i);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 431, code: 'REQUEST_HEADER_FIELDS_TOO_LARGE' });
    });

    it('should answer a malformed percent-encoding in a path with 400 problem+json', async () => {
      const res = await t.request().get(`${API}/contacts/%E0%A4%A`).set('X-API-Key', t.adminKey);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(PROBLEM);
    });

    it('should answer an unknown route outside the API prefix with 404 problem+json', async () => {
      expectProblem(await t.request().get('/definitely/not/here'), 404);
      expectProblem(await t.request().post('/definitely/not/here').send({ a: 1 }), 404);
    });

    it('should carry a request id on every answer, echoing a well-formed one', async () => {
      const res = await t.request().get('/health').set('X-Request-Id', 'abc-123');
      expect(res.headers['x-request-id']).toBe('abc-123');
      const fresh = await t.request().get('/health').set('X-Request-Id', 'bad id with spaces');
      expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers['x-powered-by']).toBeUndefined();
    });
  });

  describe('imports are streamed', () => {
    it('should import a 10,000-row CSV sent in chunks', async () => {
      const rows = ['givenName,familyName,email'];
      for (let i = 0; i < 10_000; i++) rows.push(`Row${i},Stream,row${i}-${randomUUID().slice(0, 8)}@example.org`);
      const res = await t.request().post(`${API}/contacts/import`).set('X-API-Key', t.adminKey).set('Content-Type', 'text/csv').send(rows.join('\r\n'));
      expect(res.status).toBe(200);
      expect(res.body.created).toHaveLength(10_000);
      expect(res.body.rejected).toEqual([]);
    });

    it('should answer a CSV with an unclosed quote with 400 MALFORMED_CSV and import nothing', async () => {
      const before = await t.sql<{ n: string }>('SELECT count(*) AS n FROM contacts');
      const res = await t
        .request()
        .post(`${API}/contacts/import`)
        .set('X-API-Key', t.adminKey)
        .set('Content-Type', 'text/csv')
        .send('givenName,familyName\nAda,Lovelace\n"Grace,Hopper\n');
      expectProblem(res, 400, 'MALFORMED_CSV');
      expect(await t.sql<{ n: string }>('SELECT count(*) AS n FROM contacts')).toEqual(before);
    });

    it('should refuse an import over 50 MiB with 413 before reading it', async () => {
      const answer = await raw(
        `POST ${API}/contacts/import HTTP/1.1\r\nHost: x\r\nX-API-Key: ${t.adminKey}\r\nContent-Type: text/csv\r\nContent-Length: ${60 * 1024 * 1024}\r\nConnection: close\r\n\r\ngivenName,familyName\n`,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    });

    it('should refuse a JSON body on the import with 415', async () => {
      expectProblem(await t.api().post('/contacts/import', { rows: [] }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    });
  });
});
