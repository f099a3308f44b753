import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { AuditSealer } from '../../src/audit/audit-sealer.js';
import { API, createTestApp, TestApp } from '../setup/test-app.js';

const PROBLEM = /^application\/problem\+json/;

/** The contract's "Conventions" section, checked on the foundation endpoints (users, api-keys, audit, health, OpenAPI). */
describe('API conventions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const newUser = () => ({ name: 'Grace Hopper', email: `grace-${randomUUID()}@example.org`, role: 'staff' });
  const expectProblem = (res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number, code?: string) => {
    expect({ status: res.status, contentType: res.headers['content-type'] }).toEqual({ status, contentType: expect.stringMatching(PROBLEM) });
    expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
    if (code) expect(res.body.code).toBe(code);
  };

  describe('errors are RFC 9457 problem details', () => {
    it('should answer an unknown route with 404', async () => {
      expectProblem(await t.api().get('/no-such-thing'), 404);
      expectProblem(await t.request().get('/nowhere'), 404);
    });

    it('should answer malformed JSON with 400 MALFORMED_JSON', async () => {
      const res = await t.api().post('/users').set('Content-Type', 'application/json').send('{"name": "Ada", ');
      expectProblem(res, 400, 'MALFORMED_JSON');
    });

    it('should answer a body over 1 MiB with 413, and accept one just under it', async () => {
      const big = JSON.stringify({ ...newUser(), name: 'x'.repeat(1024 * 1024) });
      expectProblem(await t.api().post('/users').set('Content-Type', 'application/json').send(big), 413, 'PAYLOAD_TOO_LARGE');
      // Just under the limit the body is parsed (and then validated: name is too long → 400, not 413).
      const under = JSON.stringify({ ...newUser(), name: 'x'.repeat(1024 * 1024 - 200) });
      expect(Buffer.byteLength(under)).toBeLessThan(1024 * 1024);
      expectProblem(await t.api().post('/users').set('Content-Type', 'application/json').send(under), 400, 'VALIDATION_FAILED');
    });

    it('should answer an unknown body field with 400 and errors[{field, message}]', async () => {
      const res = await t.api().post('/users', { ...newUser(), isSuperuser: true });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors).toEqual([{ field: 'isSuperuser', message: expect.any(String) }]);
      const bad = await t.api().post('/users', { ...newUser(), email: 'not-an-email', role: 'overlord' });
      expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['email', 'role']);
    });

    it('should answer an unknown query parameter with 400', async () => {
      const res = await t.api().get('/users?sort=name');
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([{ field: 'sort', message: expect.any(String) }]);
    });

    it('should answer a malformed uuid path parameter with 400, and a well-formed unknown one with 404', async () => {
      const res = await t.api().get('/users/not-a-uuid');
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([{ field: 'id', message: expect.any(String) }]);
      expectProblem(await t.api().get(`/users/${randomUUID()}`), 404);
      expectProblem(await t.api().delete('/api-keys/12345'), 400);
    });

    it('should answer a Content-Type the endpoint does not take with 415', async () => {
      const res = await t.api().post('/users').set('Content-Type', 'application/xml').send('<user><name>Ada</name></user>');
      expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('should never leak SQL or stacks in problems', async () => {
      const res = await t.api().get('/users?cursor=' + Buffer.from('["x", "y"]').toString('base64url'));
      expect(JSON.stringify(res.body)).not.toMatch(/SELECT|syntax|at .*\.ts:\d+/);
    });
  });

  describe('Idempotency-Key on POST', () => {
    it('should replay the first answer for a retry and create nothing new', async () => {
      const key = randomUUID();
      const body = newUser();
      const first = await t.api().post('/users', body).set('Idempotency-Key', key).expect(201);
      const again = await t.api().post('/users', body).set('Idempotency-Key', key).expect(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await t.sql('SELECT id FROM users WHERE email = $1', [body.email])).toHaveLength(1);
    });

    it('should answer 422 for the same key with another body', async () => {
      const key = randomUUID();
      await t.api().post('/users', newUser()).set('Idempotency-Key', key).expect(201);
      expectProblem(await t.api().post('/users', newUser()).set('Idempotency-Key', key), 422);
    });

    it('should scope keys per credential', async () => {
      const key = randomUUID();
      const other = await t.createKey('admin');
      const a = await t.api().post('/api-keys', { name: `scoped-${key}`, role: 'staff' }).set('Idempotency-Key', key).expect(201);
      const b = await t.api(other).post('/api-keys', { name: `scoped-${key}`, role: 'staff' }).set('Idempotency-Key', key).expect(201);
      expect(b.body.id).not.toBe(a.body.id);
    });

    it('should execute identical concurrent requests exactly once (the other: 409 in progress, or the replay)', async () => {
      // api_keys has no unique business value: only idempotency can keep a duplicate out.
      for (let round = 0; round < 3; round++) {
        const key = randomUUID();
        const name = `concurrent-${key}`;
        const answers = await Promise.all(
          Array.from({ length: 2 }, () => t.api().post('/api-keys', { name, role: 'staff' }).set('Idempotency-Key', key)),
        );
        const statuses = answers.map((r) => r.status).sort();
        expect([['201', '201'], ['201', '409']].map((s) => s.join())).toContain(statuses.join());
        const created = answers.filter((r) => r.status === 201);
        expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
        for (const r of answers.filter((x) => x.status === 409)) {
          expectProblem(r, 409, 'IDEMPOTENCY_KEY_IN_USE');
          expect(r.headers['retry-after']).toBeDefined();
        }
        expect(await t.sql('SELECT id FROM api_keys WHERE name = $1', [name])).toHaveLength(1);
      }
    });

    it('should let a failed request be retried with the same key', async () => {
      const key = randomUUID();
      const body = newUser();
      await t.api().post('/users', { ...body, extra: 1 }).set('Idempotency-Key', key).expect(400);
      // Validation fails before the interceptor claims the key, so the key is still free for a corrected body.
      await t.api().post('/users', body).set('Idempotency-Key', key).expect(201);
    });

    it('should not keep a created key\'s secret in clear in the idempotency record', async () => {
      const key = randomUUID();
      const res = await t.api().post('/api-keys', { name: 'secret-check', role: 'staff' }).set('Idempotency-Key', key).expect(201);
      const rows = await t.sql<{ body: string }>('SELECT response_body::text AS body FROM idempotency_keys WHERE key = $1', [key]);
      expect(rows).toHaveLength(1);
      expect(rows[0].body).not.toContain(res.body.key as string);
      const replay = await t.api().post('/api-keys', { name: 'secret-check', role: 'staff' }).set('Idempotency-Key', key).expect(201);
      expect(replay.body).toEqual(res.body);
    });
  });

  describe('pagination', () => {
    it('should refuse limit over 200 or under 1 with 400', async () => {
      expectProblem(await t.api().get('/users?limit=201'), 400);
      expectProblem(await t.api().get('/users?limit=0'), 400);
      await t.api().get('/users?limit=200').expect(200);
    });

    it('should walk every item exactly once by following nextCursor', async () => {
      for (let i = 0; i < 5; i++) await t.api().post('/users', newUser()).expect(201);
      const all = (await t.api().get('/users?limit=200').expect(200)).body as { items: { id: string }[]; nextCursor: string | null };
      expect(all.nextCursor).toBeNull();
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await t.api().get(`/users?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`).expect(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...(res.body.items as { id: string }[]).map((u) => u.id));
        cursor = res.body.nextCursor as string | null;
        pages++;
      } while (cursor && pages < 100);
      expect(seen).toEqual(all.items.map((u) => u.id));
      expect(pages).toBe(Math.ceil(all.items.length / 2));
    });

    it('should refuse a cursor it did not issue with 400', async () => {
      expectProblem(await t.api().get('/users?cursor=not-a-cursor'), 400);
    });

    it('should answer 400, never 500, for a cursor of the right shape whose values PostgreSQL cannot read', async () => {
      // Found by the fuzz suite: [-520874018, "infinity"] read as (timestamptz, uuid) fails with SQLSTATE 22009.
      const keys = [[-520874018, 'infinity'], ['2026-13-45T00:00:00Z', '00000000-0000-4000-8000-000000000000'], ['+99999-01-01', 'x']];
      for (const path of ['/events', '/users', '/contacts', '/organisations', '/purposes']) {
        for (const key of keys) {
          const cursor = Buffer.from(JSON.stringify(key)).toString('base64url');
          expectProblem(await t.api().get(`${path}?cursor=${cursor}`), 400);
        }
      }
    });

    it('should answer 400, never 500, for a cursor naming a time zone PostgreSQL does not know (SQLSTATE 22023)', async () => {
      const network = (await t.api().post('/organisations', { name: 'Cursor Network', kind: 'network' }).expect(201)).body.id as string;
      const uuid = '00000000-0000-4000-8000-000000000000';
      const pages: [string, unknown[]][] = [
        [`/organisations/${network}/reviews`, ['2026-01-01 Foo/Bar', '2026-01-01T00:00:00Z', uuid]],
        [`/organisations/${network}/reviews`, ['2026-01-01', '2026-01-01 12:00 America/Nowhere', uuid]],
        [`/organisations/${network}/reviews`, [{}, [], true]],
        ['/contacts', ['2026-01-01 12:00 Mars/Olympus', uuid]],
      ];
      for (const [path, key] of pages) {
        const cursor = Buffer.from(JSON.stringify(key)).toString('base64url');
        expectProblem(await t.api().get(`${path}?cursor=${cursor}`), 400);
      }
    });
  });

  describe('OpenAPI and Swagger UI', () => {
    it('should serve an OpenAPI 3 document with {id} path parameters and both security schemes, without credentials', async () => {
      const res = await t.request().get('/openapi.json').expect(200);
      const doc = res.body as {
        openapi: string;
        paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; security?: unknown[] }>>;
        components: { securitySchemes: Record<string, Record<string, string>> };
      };
      expect(doc.openapi).toMatch(/^3\./);
      const paths = Object.keys(doc.paths);
      expect(paths).toEqual(expect.arrayContaining([`${API}/users`, `${API}/users/{id}`, `${API}/api-keys/{id}`, '/health']));
      expect(paths.filter((p) => p.includes(':'))).toEqual([]);
      for (const [p, ops] of Object.entries(doc.paths)) {
        for (const name of p.match(/\{(\w+)\}/g) ?? []) {
          for (const op of Object.values(ops)) {
            expect({ p, param: (op.parameters ?? []).some((x) => x.in === 'path' && `{${x.name}}` === name) }).toEqual({ p, param: true });
          }
        }
      }
      const schemes = Object.values(doc.components.securitySchemes);
      expect(schemes).toContainEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }));
      expect(schemes).toContainEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
      expect(doc.paths[`${API}/users`].get.security).toEqual(expect.arrayContaining([{ 'api-key': [] }, { bearer: [] }]));
    });

    it('should serve Swagger UI whose scripts and styles all load under the Content-Security-Policy', async () => {
      const res = await t.request().get('/docs').expect(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      const csp = res.headers['content-security-policy'] as string;
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      const html = res.text;
      // No inline scripts (script-src 'self' forbids them) and no inline event handlers (script-src-attr 'none').
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attrs, body] of scripts) {
        expect(attrs).toMatch(/\bsrc=/);
        expect(body.trim()).toBe('');
      }
      expect(html).not.toMatch(/\son[a-z]+\s*=/i);
      const urls = [
        ...scripts.map(([, attrs]) => /src="([^"]+)"/.exec(attrs)![1]),
        ...[...html.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"/gi)].map((m) => m[1]),
      ];
      expect(urls.length).toBeGreaterThanOrEqual(3);
      // Relative URLs resolve as a browser resolves them: against <base href> when the page has one.
      const base = new URL(/<base href="([^"]+)"/.exec(html)?.[1] ?? '/docs', 'http://rapport.test').toString();
      for (const u of urls) {
        const resolved = new URL(u, base);
        expect({ u, origin: resolved.origin }).toEqual({ u, origin: 'http://rapport.test' });
        const asset = await t.request().get(resolved.pathname);
        expect({ u, status: asset.status }).toEqual({ u, status: 200 });
        expect(asset.headers['content-type']).toMatch(/javascript|css/);
      }
    });
  });

  describe('audit trail', () => {
    let userId: string;

    it('should record POST /users as an audit event of that user', async () => {
      const created = await t.api().post('/users', newUser()).expect(201);
      userId = created.body.id as string;
      const res = await t.api().get(`/audit-events?entityType=user&entityId=${userId}`).expect(200);
      expect(res.body.items).toEqual([
        expect.objectContaining({ action: 'create', entityType: 'user', entityId: userId, actorType: 'api_key', after: expect.objectContaining({ id: userId }) }),
      ]);
    });

    it('should verify an intact chain', async () => {
      const [{ n }] = await t.sql<{ n: string }>('SELECT count(*) AS n FROM audit_events');
      const res = await t.api().get('/audit-events/verify').expect(200);
      expect(res.body).toEqual({ valid: true, checked: Number(n) });
      expect(Number(n)).toBeGreaterThan(3);
    });

    it('should refuse UPDATE and DELETE of audit events in the database itself', async () => {
      await expect(t.sql(`UPDATE audit_events SET action = 'tampered' WHERE entity_id = $1`, [userId])).rejects.toThrow(/append-only/);
      await expect(t.sql(`DELETE FROM audit_events WHERE entity_id = $1`, [userId])).rejects.toThrow(/append-only/);
      await expect(t.sql(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
    });

    it('should report the first tampered event when a row is changed behind the triggers', async () => {
      await t.api().post('/users', newUser()).expect(201); // so the tampered event is not the last one
      await t.app.get(AuditSealer).sealPending(); // the events just written get their place in the chain
      const [target] = await t.sql<{ id: string; seq: string }>(`SELECT id, seq FROM audit_events WHERE entity_type = 'user' AND entity_id = $1`, [userId]);
      const [{ max }] = await t.sql<{ max: string }>('SELECT max(seq) AS max FROM audit_events');
      expect(Number(target.seq)).toBeGreaterThan(1);
      expect(Number(target.seq)).toBeLessThan(Number(max));
      // One session, triggers off for it only (superuser): what an attacker with database access could do.
      const client = new pg.Client({ connectionString: t.databaseUrl });
      await client.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SET LOCAL session_replication_role = replica`);
        await client.query(`UPDATE audit_events SET after = jsonb_set(after, '{role}', '"admin"') WHERE id = $1`, [target.id]);
        await client.query('COMMIT');
      } finally {
        await client.end();
      }
      const [{ role }] = await t.sql<{ role: string }>(`SELECT after->>'role' AS role FROM audit_events WHERE id = $1`, [target.id]);
      expect(role).toBe('admin');
      const res = await t.api().get('/audit-events/verify').expect(200);
      expect(res.body).toEqual({ valid: false, checked: Number(target.seq) - 1, firstBrokenId: target.id });
    });
  });
});
