import { createTestApp, TestApp } from '../setup/test-app.js';

describe('Purposes and recipients', () => {
  let t: TestApp;
  let staff: string;

  beforeAll(async () => {
    t = await createTestApp();
    staff = await t.createKey('staff');
  });
  afterAll(async () => {
    await t.close();
  });

  describe('purposes', () => {
    it('should create, read, list, patch with If-Match, and retire', async () => {
      const created = await t.api().post('/purposes', {
        key: 'events-invitations', name: 'Event invitations', description: 'Invitations to our events', legalBasis: 'consent', dataCategories: ['givenName', 'emails'], retentionDays: 730,
      }).expect(201);
      expect(created.body).toMatchObject({ id: expect.any(String), key: 'events-invitations', legalBasis: 'consent', dataCategories: ['givenName', 'emails'], retentionDays: 730, version: 1, retiredAt: null });
      expect(created.headers.etag).toBe('"1"');
      const id = created.body.id;
      await t.api(staff).get(`/purposes/${id}`).expect(200);
      const list = await t.api(staff).get('/purposes').expect(200);
      expect(list.body.items.map((p: { id: string }) => p.id)).toContain(id);
      await t.api().patch(`/purposes/${id}`, { name: 'Invitations' }).set('If-Match', '"7"').expect(412);
      const patched = await t.api().patch(`/purposes/${id}`, { name: 'Invitations' }).set('If-Match', '"1"').expect(200);
      expect(patched.body).toMatchObject({ name: 'Invitations', version: 2 });
      await t.api().patch(`/purposes/${id}`, { key: 'other' }).expect(400);
      await t.api().delete(`/purposes/${id}`).expect(204);
      expect((await t.api().get(`/purposes/${id}`).expect(200)).body.retiredAt).toEqual(expect.any(String));
      const audit = await t.sql(`SELECT action FROM audit_events WHERE entity_type = 'purpose' AND entity_id = $1 ORDER BY written_seq`, [id]);
      expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'retire']);
    });

    it('should refuse a duplicate key with 409', async () => {
      const body = { key: 'dup', name: 'Dup', description: '', legalBasis: 'contract', dataCategories: ['givenName'] };
      await t.api().post('/purposes', body).expect(201);
      const res = await t.api().post('/purposes', body).expect(409);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    });

    it('should validate key, legal basis and data categories', async () => {
      const ok = { key: 'ok-key', name: 'x', description: '', legalBasis: 'consent', dataCategories: ['givenName'] };
      await t.api().post('/purposes', { ...ok, key: 'Not A Slug' }).expect(400);
      await t.api().post('/purposes', { ...ok, legalBasis: 'because' }).expect(400);
      const bad = await t.api().post('/purposes', { ...ok, dataCategories: ['givenName', 'shoeSize'] }).expect(400);
      expect(bad.body.errors?.length).toBeGreaterThan(0);
    });

    it('should page through purposes and recipients exactly once each', async () => {
      for (let i = 0; i < 4; i++) {
        await t.api().post('/purposes', { key: `paged-${i}`, name: 'p', description: '', legalBasis: 'contract', dataCategories: [] }).expect(201);
        await t.api().post('/recipients', { name: `paged-${i}`, kind: 'internal_tool' }).expect(201);
      }
      for (const path of ['/purposes', '/recipients']) {
        const all = (await t.api().get(`${path}?limit=200`).expect(200)).body.items.map((x: { id: string }) => x.id);
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await t.api().get(`${path}?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`).expect(200);
          seen.push(...res.body.items.map((x: { id: string }) => x.id));
          cursor = res.body.nextCursor;
        } while (cursor && seen.length < 100);
        expect(seen).toEqual(all);
      }
    });

    it('should let only admins write purposes', async () => {
      await t.api(staff).post('/purposes', { key: 'x', name: 'x', description: '', legalBasis: 'consent', dataCategories: [] }).expect(403);
    });

    it('should refuse new consents for a retired purpose but keep it readable', async () => {
      const p = await t.api().post('/purposes', { key: 'old-purpose', name: 'Old', description: '', legalBasis: 'consent', dataCategories: ['givenName'] }).expect(201);
      const [c] = await t.sql<{ id: string }>(`INSERT INTO contacts (given_name, family_name) VALUES ('A', 'B') RETURNING id`);
      await t.api(staff).post(`/contacts/${c.id}/consents`, { purpose: 'old-purpose', method: 'paper', noticeVersion: '1' }).expect(201);
      await t.api().delete(`/purposes/${p.body.id}`).expect(204);
      await t.api(staff).post(`/contacts/${c.id}/consents`, { purpose: 'old-purpose', method: 'paper', noticeVersion: '1' }).expect(409);
      expect((await t.sql(`SELECT 1 FROM purposes WHERE id = $1`, [p.body.id])).length).toBe(1);
    });
  });

  describe('recipients', () => {
    it('should show a Standard Webhooks secret once and keep it sealed', async () => {
      const res = await t.api().post('/recipients', { name: 'Mailer', kind: 'internal_tool', webhookUrl: 'http://127.0.0.1:8080/hooks' }).expect(201);
      expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      expect(Buffer.from(res.body.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
      const [row] = await t.sql<{ webhook_secret_sealed: string }>(`SELECT webhook_secret_sealed FROM recipients WHERE id = $1`, [res.body.id]);
      expect(row.webhook_secret_sealed).not.toContain(res.body.secret.slice(6));
      const read = await t.api().get(`/recipients/${res.body.id}`).expect(200);
      expect(read.body.secret).toBeUndefined();
      expect(JSON.stringify((await t.api().get('/recipients').expect(200)).body)).not.toContain(res.body.secret);
      const rotated = await t.api().post(`/recipients/${res.body.id}/rotate-secret`).expect(200);
      expect(rotated.body.secret).toMatch(/^whsec_/);
      expect(rotated.body.secret).not.toBe(res.body.secret);
      const audits = await t.sql(`SELECT after FROM audit_events WHERE entity_type = 'recipient' AND entity_id = $1`, [res.body.id]);
      expect(JSON.stringify(audits)).not.toContain(res.body.secret.slice(6));
      expect(JSON.stringify(audits)).not.toContain(rotated.body.secret.slice(6));
    });

    it('should accept an https webhook on a public name', async () => {
      const r = await t.api().post('/recipients', { name: 'SaaS', kind: 'partner_organisation', webhookUrl: 'https://hooks.example.com/rapport' }).expect(201);
      expect(r.body.webhookUrl).toBe('https://hooks.example.com/rapport');
    });

    it('should refuse link-local and metadata webhook targets even with WEBHOOK_ALLOW_PRIVATE', async () => {
      for (const url of ['http://169.254.169.254/latest/meta-data', 'http://[fe80::1]/x', 'ftp://example.org/x', 'not a url']) {
        const res = await t.api().post('/recipients', { name: 'Evil', kind: 'internal_tool', webhookUrl: url }).expect(400);
        expect(res.body.errors?.[0]?.field).toBe('webhookUrl');
      }
    });

    it('should validate kind and organisation, patch with If-Match and retire', async () => {
      await t.api().post('/recipients', { name: 'X', kind: 'friend' }).expect(400);
      await t.api().post('/recipients', { name: 'X', kind: 'partner_organisation', organisationId: '00000000-0000-4000-8000-000000000000' }).expect(404);
      const r = await t.api().post('/recipients', { name: 'Partner', kind: 'partner_organisation' }).expect(201);
      await t.api().patch(`/recipients/${r.body.id}`, { name: 'P2' }).set('If-Match', '"9"').expect(412);
      const p = await t.api().patch(`/recipients/${r.body.id}`, { name: 'P2', webhookUrl: 'http://localhost:9999/x' }).set('If-Match', '"1"').expect(200);
      expect(p.body).toMatchObject({ name: 'P2', version: 2, webhookUrl: 'http://localhost:9999/x' });
      await t.api(staff).post('/recipients', { name: 'X', kind: 'internal_tool' }).expect(403);
      await t.api().delete(`/recipients/${r.body.id}`).expect(204);
      expect((await t.api().get(`/recipients/${r.body.id}`).expect(200)).body.retiredAt).toEqual(expect.any(String));
    });

    it('should bind integration API keys to an existing recipient', async () => {
      await t.api().post('/api-keys', { name: 'k', role: 'integration', recipientId: '00000000-0000-4000-8000-000000000000' }).expect(404);
      const r = await t.api().post('/recipients', { name: 'Tool', kind: 'internal_tool' }).expect(201);
      const k = await t.api().post('/api-keys', { name: 'k', role: 'integration', recipientId: r.body.id }).expect(201);
      expect(k.body.recipientId).toBe(r.body.id);
    });
  });
});
