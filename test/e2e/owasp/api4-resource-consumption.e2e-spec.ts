import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as net from 'node:net';
import { Readable } from 'node:stream';
import { buildOpenApiDocument } from '../../../src/app.setup.js';
import { API, createTestApp, TestApp } from '../../setup/test-app.js';

/**
 * OWASP API4:2023 Unrestricted Resource Consumption. Every attack sends more than the contract allows (bytes,
 * page sizes, ids, nesting, string lengths, requests, time) and expects a 4xx answer or a cut connection, never
 * a 500, never the work done, never the process's memory growing with the attacker's input.
 * (The basics of the HTTP edge, 413/414/431/10,000-level JSON, are in http-edge.e2e-spec.ts; the per-key 429
 * in rate-limit.e2e-spec.ts.)
 */

const PROBLEM = /^application\/problem\+json/;
const MiB = 1024 * 1024;

interface RawAnswer {
  status: number;
  head: string;
  body: string;
}

/** Opens a socket to the app's server (listening on an ephemeral port). */
function connect(port: number): net.Socket {
  return net.connect(port, '127.0.0.1');
}

/** Reads everything the server sends until it closes the connection. */
function readAll(socket: net.Socket): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString('utf8')));
    socket.on('close', () => {
      const [head, ...rest] = out.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(out)?.[1] ?? 0), head, body: rest.join('\r\n\r\n') });
    });
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
  });
}

const count = async (t: TestApp, table: string) => Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n);

describe('OWASP API4:2023 Unrestricted resource consumption', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp();
    port = await t.listen();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('request bodies', () => {
    it('a 2 MiB JSON organisation is answered 413 and nothing is created', async () => {
      const before = await count(t, 'organisations');
      const res = await t.api().post('/organisations', { name: 'Big', tags: Array.from({ length: 2 * 1024 }, () => 'x'.repeat(1024)) });
      expect({ status: res.status, type: res.headers['content-type'] }).toEqual({ status: 413, type: expect.stringMatching(PROBLEM) });
      expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
      expect(await count(t, 'organisations')).toBe(before);
    });

    it('a chunked JSON body without Content-Length that grows past 1 MiB is answered 413 (the limit is counted, not announced)', async () => {
      const before = await count(t, 'contacts');
      const socket = connect(port);
      const answer = readAll(socket);
      socket.write(
        `POST ${API}/contacts HTTP/1.1\r\nHost: x\r\nX-API-Key: ${t.adminKey}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`,
      );
      const send = (s: string) => socket.writable && socket.write(`${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`);
      send('{"givenName":"Chunky","familyName":"');
      const piece = 'y'.repeat(64 * 1024);
      for (let i = 0; i < 24 && socket.writable; i++) send(piece); // 1.5 MiB
      send('"}');
      if (socket.writable) socket.write('0\r\n\r\n');
      const res = await answer;
      expect(res.status).toBe(413);
      expect(res.head).toMatch(/content-type: application\/problem\+json/i);
      expect(await count(t, 'contacts')).toBe(before);
    });

    it('a gzip bomb (about 0.5 MiB compressed, 512 MiB inflated) is answered 413 without being inflated whole', async () => {
      const { createGzip } = await import('node:zlib');
      const gzip = createGzip({ level: 9 });
      const parts: Buffer[] = [];
      gzip.on('data', (c: Buffer) => parts.push(c));
      const ended = new Promise((resolve) => gzip.on('end', resolve));
      const filler = Buffer.alloc(MiB, 'a');
      gzip.write('{"givenName":"');
      for (let i = 0; i < 512; i++) if (!gzip.write(filler)) await new Promise((r) => gzip.once('drain', r));
      gzip.end('","familyName":"B"}');
      await ended;
      const bomb = Buffer.concat(parts);
      expect(bomb.length).toBeLessThan(MiB);
      const before = await count(t, 'contacts');
      const rssBefore = process.memoryUsage().rss;
      // Raw bytes (supertest would serialise a Buffer under a JSON content type).
      const res = await new Promise<{ status: number; type: string | undefined }>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: `${API}/contacts`,
            headers: { 'X-API-Key': t.adminKey, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': bomb.length },
          },
          (r) => {
            r.resume();
            r.on('end', () => resolve({ status: r.statusCode ?? 0, type: r.headers['content-type'] }));
          },
        );
        req.on('error', reject);
        req.end(bomb);
      });
      expect(res).toEqual({ status: 413, type: expect.stringMatching(PROBLEM) });
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * MiB);
      expect(await count(t, 'contacts')).toBe(before);
    });

    it('JSON nested one level deeper than the 32 allowed is refused with 400 BODY_TOO_DEEP, 32 levels are not', async () => {
      const nest = (levels: number) => '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);
      const post = (levels: number) =>
        t.request().post(`${API}/contacts/search`).set('X-API-Key', t.adminKey).set('Content-Type', 'application/json').send(`{"q":"x","x":${nest(levels)}}`);
      const deep = await post(32);
      expect({ status: deep.status, type: deep.headers['content-type'], code: deep.body.code }).toEqual({ status: 400, type: expect.stringMatching(PROBLEM), code: 'BODY_TOO_DEEP' });
      const allowed = await post(31);
      // 31 levels inside the body object (32 in all) pass the depth check; the unknown field is then a plain validation error.
      expect(allowed.status).toBe(400);
      expect(allowed.body.code).not.toBe('BODY_TOO_DEEP');
    });

    it('a 1 MiB array of 500,000 numbers as contactIds is a 400, not a 500 or a hung worker', async () => {
      const wide = `{"purpose":"x","recipientId":"${randomUUID()}","contactIds":[${Array(500_000).fill('0').join(',')}]}`;
      expect(Buffer.byteLength(wide)).toBeLessThan(MiB);
      const res = await t.request().post(`${API}/consent-check`).set('X-API-Key', t.adminKey).set('Content-Type', 'application/json').send(wide);
      expect({ status: res.status, type: res.headers['content-type'] }).toEqual({ status: 400, type: expect.stringMatching(PROBLEM) });
    });
  });

  describe('page sizes', () => {
    /** Every GET list that takes `limit`, read from the OpenAPI document (so a new list is covered too). */
    const listPaths = () => {
      const doc = buildOpenApiDocument(t.app);
      return Object.entries(doc.paths)
        .filter(([p, item]) => !p.includes('{') && (item.get?.parameters ?? []).some((x) => 'name' in x && x.name === 'limit' && x.in === 'query'))
        .map(([p]) => p);
    };

    it('finds the paged lists in the OpenAPI document', () => {
      const paths = listPaths();
      expect(paths).toEqual(expect.arrayContaining([`${API}/contacts`, `${API}/organisations`, `${API}/audit-events`, `${API}/disclosures`, `${API}/users`]));
    });

    it.each(['201', '1000000', '0', '-1', 'abc', '1.5', '1e3', ''])('limit=%s on every list is a 400 problem naming limit', async (limit) => {
      const wrong: string[] = [];
      for (const path of listPaths()) {
        const res = await t.request().get(`${path}?limit=${limit}`).set('X-API-Key', t.adminKey);
        const named = (res.body.errors ?? []).some((e: { field: string }) => e.field === 'limit');
        if (res.status !== 400 || !PROBLEM.test(res.headers['content-type'] ?? '') || !named) wrong.push(`${path}: ${res.status}`);
      }
      expect(wrong).toEqual([]);
    });

    it('limit=200 (the cap) is served on every list', async () => {
      const wrong: string[] = [];
      for (const path of listPaths()) {
        const res = await t.request().get(`${path}?limit=200`).set('X-API-Key', t.adminKey);
        if (res.status !== 200 || !Array.isArray(res.body.items)) wrong.push(`${path}: ${res.status}`);
      }
      expect(wrong).toEqual([]);
    });

    it('the same limit given twice (an array) is a 400, not a 500', async () => {
      const res = await t.api().get('/contacts?limit=10&limit=20');
      expect(res.status).toBe(400);
    });
  });

  describe('bulk ids (consent check and disclosures: up to 10,000 contact ids)', () => {
    let recipientId: string;
    const purpose = 'owasp-bulk';
    const ids = (n: number) => Array.from({ length: n }, () => randomUUID());

    beforeAll(async () => {
      await t.api().post('/purposes', { key: purpose, name: 'Bulk', description: 'bulk', legalBasis: 'consent', dataCategories: ['givenName'] }).expect(201);
      recipientId = (await t.api().post('/recipients', { name: 'Bulk tool', kind: 'internal_tool' }).expect(201)).body.id;
    });

    it('a bulk consent check of 10,000 ids is answered for every id', async () => {
      const res = await t.api().post('/consent-check', { purpose, recipientId, contactIds: ids(10_000) });
      expect(res.status).toBe(200);
      expect(res.body.results).toHaveLength(10_000);
    });

    it('a bulk consent check of 10,001 ids is a 400 naming contactIds', async () => {
      const res = await t.api().post('/consent-check', { purpose, recipientId, contactIds: ids(10_001) });
      expect({ status: res.status, type: res.headers['content-type'] }).toEqual({ status: 400, type: expect.stringMatching(PROBLEM) });
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'contactIds' })]));
    });

    it('a disclosure of 10,000 ids is recorded, one decision per id', async () => {
      const res = await t.api().post('/disclosures', { purpose, recipientId, contactIds: ids(10_000) });
      expect(res.status).toBe(201);
      expect(res.body.disclosed.length + res.body.withheld.length).toBe(10_000);
    });

    it('a disclosure of 10,001 ids is a 400 and records nothing', async () => {
      const before = await count(t, 'disclosures');
      const res = await t.api().post('/disclosures', { purpose, recipientId, contactIds: ids(10_001) });
      expect({ status: res.status, type: res.headers['content-type'] }).toEqual({ status: 400, type: expect.stringMatching(PROBLEM) });
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'contactIds' })]));
      expect(await count(t, 'disclosures')).toBe(before);
    });
  });

  describe('huge strings in fields', () => {
    const HUGE = 'x'.repeat(200_000);
    let contactId: string;
    beforeAll(async () => {
      contactId = (await t.api().post('/contacts', { givenName: 'Str', familyName: 'Ings' }).expect(201)).body.id;
      await t.api().post('/purposes', { key: 'owasp-str', name: 'Str', description: 'str', legalBasis: 'consent', dataCategories: ['givenName'] }).expect(201);
    });

    const cases = (): { path: string; base: Record<string, unknown>; field: string; value: unknown }[] => [
      ...['givenName', 'familyName', 'jobTitle', 'notes'].map((field) => ({ path: '/contacts', base: { givenName: 'A', familyName: 'B' }, field, value: HUGE })),
      { path: '/contacts', base: { givenName: 'A', familyName: 'B' }, field: 'tags', value: [HUGE] },
      { path: '/contacts', base: { givenName: 'A', familyName: 'B' }, field: 'emails', value: [{ address: `${HUGE}@example.org` }] },
      { path: '/contacts', base: { givenName: 'A', familyName: 'B' }, field: 'phones', value: [{ number: `+49${'1'.repeat(200_000)}` }] },
      ...['name', 'website'].map((field) => ({ path: '/organisations', base: { name: 'Org' }, field, value: field === 'website' ? `https://example.org/${HUGE}` : HUGE })),
      { path: '/interactions', base: { type: 'call', occurredAt: '2024-01-01T10:00:00Z', summary: 's', contactIds: [contactId] }, field: 'summary', value: HUGE },
      ...['name', 'location'].map((field) => ({ path: '/events', base: { name: 'Ev', startsAt: '2024-01-01T10:00:00Z' }, field, value: HUGE })),
      ...['name', 'email'].map((field) => ({ path: '/users', base: { name: 'U', email: `u${randomUUID()}@example.org`, role: 'staff' }, field, value: field === 'email' ? `${HUGE}@example.org` : HUGE })),
      ...['key', 'name', 'description'].map((field) => ({
        path: '/purposes',
        base: { key: `k-${randomUUID().slice(0, 8)}`, name: 'P', description: 'd', legalBasis: 'consent', dataCategories: ['givenName'] },
        field,
        value: HUGE,
      })),
      { path: '/purposes', base: { key: 'k-cat', name: 'P', description: 'd', legalBasis: 'consent' }, field: 'dataCategories', value: [HUGE] },
      ...['name', 'webhookUrl'].map((field) => ({ path: '/recipients', base: { name: 'R', kind: 'internal_tool' }, field, value: field === 'webhookUrl' ? `http://127.0.0.1/${HUGE}` : HUGE })),
      { path: '/api-keys', base: { name: 'K', role: 'staff' }, field: 'name', value: HUGE },
      ...['noticeVersion', 'purpose'].map((field) => ({ path: `/contacts/${contactId}/consents`, base: { purpose: 'owasp-str', method: 'web_form', noticeVersion: 'v1' }, field, value: HUGE })),
      { path: '/contacts/search', base: { q: 'x' }, field: 'q', value: HUGE },
      { path: `/consents/${randomUUID()}/withdraw`, base: {}, field: 'reason', value: HUGE },
    ];

    it('a 200,000-character value in any text field is a 400 naming that field, never a 500 or a stored row', async () => {
      const wrong: string[] = [];
      for (const c of cases()) {
        const res = await t.api().post(c.path, { ...c.base, [c.field]: c.value });
        const named = (res.body.errors ?? []).some((e: { field: string }) => e.field === c.field || e.field.startsWith(`${c.field}.`) || e.field.startsWith(`${c.field}[`));
        if (res.status !== 400 || !named) wrong.push(`${c.path} ${c.field}: ${res.status} ${JSON.stringify(res.body.errors ?? res.body.detail)?.slice(0, 200)}`);
      }
      expect(wrong).toEqual([]);
    });

    it('a 200,000-character query value is a 400, not a 500', async () => {
      // Below the 8 KiB request-target limit no value is that long; the search query is capped by its DTO.
      const res = await t.api().get(`/contacts?q=${'x'.repeat(7000)}`);
      expect(res.status).toBe(400);
    });
  });
});

describe('OWASP API4:2023 streamed imports', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp();
    port = await t.listen();
  });
  afterAll(async () => {
    await t.close();
  });

  // Was a finding: the 50 MiB cap was counted only as the importer pulled the body, writing rows as it went, so a
  // 100 MB chunked import ran for minutes. The importer now spools the body to a temporary file first, refusing it
  // at network speed as soon as it passes 50 MiB, before any row is written.
  it('a 100 MB chunked import is refused with 413 and the process memory does not grow with it', async () => {
    const before = await count(t, 'contacts');
    const TOTAL = 100 * 1000 * 1000;
    // Every row a new contact (a distinct e-mail): what an attacker would send to make the import hold the most.
    const prefix = randomUUID().slice(0, 8);
    let n = 0;
    const nextChunk = () => {
      const rows: string[] = [];
      for (let size = 0; size < 64 * 1024; ) {
        const r = `Flood,Row,f${prefix}-${n++}@example.org\n`;
        rows.push(r);
        size += r.length;
      }
      return Buffer.from(rows.join(''));
    };
    let sent = 0;
    let peak = 0;
    const rssBefore = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const body = new Readable({
      read() {
        if (sent === 0) {
          sent += 27;
          this.push('givenName,familyName,email\n');
          return;
        }
        if (sent >= TOTAL) return this.push(null);
        const chunk = nextChunk();
        sent += chunk.length;
        this.push(chunk);
      },
    });
    let req!: http.ClientRequest;
    let bound: NodeJS.Timeout | undefined;
    let guard: NodeJS.Timeout | undefined;
    const status = await new Promise<number>((resolve, reject) => {
      // Not a speed assertion: an answer that has not come after 60 s (or memory already past the bound) is a failure.
      bound = setTimeout(() => resolve(-1), 60_000);
      guard = setInterval(() => {
        if (process.memoryUsage().rss - rssBefore > 100 * MiB) {
          clearInterval(guard);
          resolve(-2);
        }
      }, 50);
      req = http.request(
        { host: '127.0.0.1', port, method: 'POST', path: `${API}/contacts/import`, headers: { 'X-API-Key': t.adminKey, 'Content-Type': 'text/csv', 'Transfer-Encoding': 'chunked' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
      body.pipe(req);
    });
    clearTimeout(bound);
    clearInterval(guard);
    req.destroy();
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    body.destroy();
    expect(status).toBe(413);
    // The app (in this process) must not hold the body: growth stays far below the 100 MB sent (or even the 50 MiB cap).
    expect(peak - rssBefore).toBeLessThan(100 * MiB);
    expect(await count(t, 'contacts')).toBe(before);
  }, 120_000);
});

describe('OWASP API4:2023 rate limits (RATE_LIMIT_PER_MINUTE=5)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
  });
  afterAll(async () => {
    await t.close();
  });

  const expect429 = (res: { status: number; headers: Record<string, string>; body: { code?: string } }) => {
    expect({ status: res.status, type: res.headers['content-type'], code: res.body.code }).toEqual({ status: 429, type: expect.stringMatching(PROBLEM), code: 'RATE_LIMITED' });
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 60).toBe(true);
  };

  it('guessing API keys (a new random key on every request) from one address is cut off with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 8; i++) {
      last = await t.request().get(`${API}/contacts`).set('X-API-Key', `rapk_${randomUUID().replace(/-/g, '')}`);
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    expect429(last!);
  });

  it('bursting the bulk consent check with one key is cut off with 429 and Retry-After before any work is done', async () => {
    // The admin key (counted on its own) spends 2 requests on set-up: 3 left.
    const key = await t.createKey('staff');
    const results: number[] = [];
    let last;
    for (let i = 0; i < 7; i++) {
      last = await t.api(key).post('/consent-check', { purpose: 'none', recipientId: randomUUID(), contactIds: [randomUUID()] });
      results.push(last.status);
    }
    expect(results.slice(0, 5).every((s) => s !== 429)).toBe(true);
    expect(results.slice(5)).toEqual([429, 429]);
    expect429(last!);
  });

  it('a disclosure over the limit is refused with 429 and records nothing', async () => {
    const key = await t.createKey('staff');
    for (let i = 0; i < 5; i++) await t.api(key).get('/contacts');
    const before = await count(t, 'disclosures');
    const res = await t.api(key).post('/disclosures', { purpose: 'none', recipientId: randomUUID(), contactIds: [randomUUID()] });
    expect429(res);
    expect(await count(t, 'disclosures')).toBe(before);
  });
});

describe('OWASP API4:2023 slow clients (HTTP_HEADERS_TIMEOUT_MS=1000, HTTP_REQUEST_TIMEOUT_MS=2000)', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp({ env: { HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000' } });
    port = await t.listen();
  });
  afterAll(async () => {
    await t.close();
  });

  /**
   * Sends `first`, then one byte of `trickle` every 200 ms, until the server closes the connection or the
   * trickle ends; answers what the server sent and whether it closed the connection before the trickle ended.
   * The trickle itself (about 12 s) bounds a test whose server never cuts the client off (Node defaults: 60 s / 300 s).
   */
  const trickle = (first: string, rest: string) =>
    new Promise<{ cut: boolean; answer: string }>((resolve) => {
      const socket = connect(port);
      let answer = '';
      let closed = false;
      socket.on('data', (d: Buffer) => (answer += d.toString('utf8')));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        closed = true;
      });
      socket.write(first);
      let i = 0;
      const timer = setInterval(() => {
        if (closed || i >= rest.length) {
          clearInterval(timer);
          socket.destroy();
          resolve({ cut: closed, answer });
          return;
        }
        socket.write(rest[i++]);
      }, 200);
    });

  it('slow-loris headers (one byte every 200 ms) are cut off with 408 by the headers timeout', async () => {
    const { cut, answer } = await trickle(`GET ${API}/contacts HTTP/1.1\r\nHost: x\r\n`, `X-Slow: ${'a'.repeat(50)}\r\n\r\n`);
    expect(cut).toBe(true);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  }, 30_000);

  it('a body trickling in (one byte every 200 ms) is cut off by the request timeout and creates nothing', async () => {
    const body = JSON.stringify({ givenName: 'Slow', familyName: 'Loris'.padEnd(48, 's') });
    const { cut } = await trickle(
      `POST ${API}/contacts HTTP/1.1\r\nHost: x\r\nX-API-Key: ${t.adminKey}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
      body,
    );
    expect(cut).toBe(true);
    expect(await count(t, 'contacts')).toBe(0);
  }, 30_000);
});
