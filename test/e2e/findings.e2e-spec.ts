import { AuditService } from '../../src/audit/audit.service.js';
import { createTestApp, TestApp } from '../setup/test-app.js';

/**
 * Issue 13 ("proof under attack"): each finding, reproduced black-box through HTTP against a real PostgreSQL,
 * with the database state checked directly where the answer alone would not show it.
 */
describe('Issue 13 findings', () => {
  let t: TestApp;
  let staff: string;
  let compliance: string;
  let recipientId: string;

  const contactsCount = async () => Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM contacts'))[0].n);
  const newContact = async (familyName: string, extra: Record<string, unknown> = {}) =>
    (await t.api(staff).post('/contacts', { givenName: 'Ada', familyName, ...extra }).expect(201)).body.id as string;
  const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);
  const expectValidation = (res: { status: number; body: Record<string, unknown> }, field: string) => {
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect(fieldsOf(res.body as { errors?: { field: string }[] })).toContain(field);
  };

  beforeAll(async () => {
    t = await createTestApp();
    staff = await t.createKey('staff');
    compliance = await t.createKey('compliance');
    await t.api().post('/purposes', {
      key: 'newsletter', name: 'Newsletter', description: 'Monthly news', legalBasis: 'consent', dataCategories: ['givenName', 'familyName'],
    }).expect(201);
    recipientId = (await t.api().post('/recipients', { name: 'Mailer', kind: 'internal_tool' }).expect(201)).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  describe('finding 1: an upper-case id broke the audit chain', () => {
    it('finding 1: upper-case ids in paths, queries and bodies are stored in canonical lower case and the chain still verifies', async () => {
      const id = await newContact('Uppercase');
      const ID = id.toUpperCase();
      const RECIPIENT = recipientId.toUpperCase();

      // Reads and writes through the upper-case form.
      const vcard = await t.api(staff).get(`/contacts/${ID}/vcard`).expect(200);
      expect(vcard.headers['content-disposition']).toContain(id);
      expect((await t.api(staff).get(`/contacts/${ID}`).expect(200)).body.id).toBe(id);
      await t.api(staff).patch(`/contacts/${ID}`, { jobTitle: 'Analyst' }).expect(200);
      const consent = await t.api(staff)
        .post(`/contacts/${ID}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1', recipientIds: [RECIPIENT] })
        .expect(201);
      expect(consent.body).toMatchObject({ contactId: id, recipientIds: [recipientId] });
      const interaction = await t.api(staff)
        .post('/interactions', { type: 'call', occurredAt: '2026-01-05T10:00:00Z', summary: 'Called', contactIds: [ID] })
        .expect(201);
      expect(interaction.body.contactIds).toEqual([id]);

      // The gate answers for the upper-case form as for the lower-case one.
      const single = await t.api(staff).get(`/consent-check?contactId=${ID}&purpose=newsletter&recipientId=${RECIPIENT}`).expect(200);
      expect(single.body).toMatchObject({ allowed: true, reason: 'consent_granted' });
      const bulk = await t.api(staff).post('/consent-check', { purpose: 'newsletter', recipientId: RECIPIENT, contactIds: [ID] }).expect(200);
      expect(bulk.body.results).toEqual([expect.objectContaining({ contactId: id, allowed: true })]);
      const disclosure = await t.api(staff)
        .post('/disclosures', { purpose: 'newsletter', recipientId: RECIPIENT, contactIds: [ID] })
        .expect(201);
      expect(disclosure.body.disclosed).toEqual([expect.objectContaining({ contactId: id })]);

      // The export through the upper-case id is findable by the contact.
      const exported = await t.api(compliance).get(`/contacts/${ID}/export`).expect(200);
      expect(exported.body.contactId).toBe(id);
      const byContact = await t.api(compliance).get(`/audit-events?contactId=${id}&limit=200`).expect(200);
      const actions = byContact.body.items.map((e: { action: string }) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['export', 'export_vcard']));
      const byUpper = await t.api(compliance).get(`/audit-events?contactId=${ID}&limit=200`).expect(200);
      expect(byUpper.body.items.map((e: { id: string }) => e.id)).toEqual(byContact.body.items.map((e: { id: string }) => e.id));
      const byEntity = await t.api(compliance).get(`/audit-events?entityType=contact&entityId=${ID}&limit=200`).expect(200);
      expect(byEntity.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['export', 'export_vcard', 'update']));

      // Nothing stored carries the upper-case form.
      const stored = await t.sql<{ n: string }>(
        `SELECT count(*) AS n FROM audit_events WHERE entity_id = $1 OR contact_id::text = $1 OR before::text LIKE $2 OR after::text LIKE $2`,
        [ID, `%${ID}%`],
      );
      expect(Number(stored[0].n)).toBe(0);
      const [exportEvent] = await t.sql<{ entity_id: string; contact_id: string }>(
        `SELECT entity_id, contact_id FROM audit_events WHERE action = 'export' ORDER BY written_seq DESC LIMIT 1`,
      );
      expect(exportEvent).toEqual({ entity_id: id, contact_id: id });

      const verify = await t.api(compliance).get('/audit-events/verify').expect(200);
      expect(verify.body).toMatchObject({ valid: true });
    });

    it('finding 1: the audit chain hashes exactly what it stores, even when a caller hands it an upper-case contact id', async () => {
      const id = await newContact('DirectAudit');
      await t.app.get(AuditService).record({
        action: 'probe', entityType: 'contact', entityId: id.toUpperCase(), contactId: id.toUpperCase(), after: { note: 'x' },
      });
      const verify = await t.api(compliance).get('/audit-events/verify').expect(200);
      expect(verify.body).toMatchObject({ valid: true });
      const [row] = await t.sql<{ entity_id: string; contact_id: string }>(
        `SELECT entity_id, contact_id::text FROM audit_events WHERE action = 'probe'`,
      );
      expect(row).toEqual({ entity_id: id, contact_id: id });
    });
  });

  describe('finding 2: NUL characters reached PostgreSQL (500)', () => {
    it('finding 2: a NUL in a body field, a query value or a path is a 400 naming the field (an import: a 400), and nothing is written', async () => {
      const before = await contactsCount();
      expectValidation(await t.api(staff).post('/contacts', { givenName: 'An\u0000na', familyName: 'Nul' }), 'givenName');
      expectValidation(
        await t.api(staff).post('/contacts', { givenName: 'Anna', familyName: 'Nul', emails: [{ address: 'anna@example.org', label: 'w\u0000rk' }] }),
        'emails.0.label',
      );
      expectValidation(await t.api(staff).post('/contacts', { givenName: 'Anna', familyName: 'Nul', tags: ['ok', 'n\u0000'] }), 'tags.1');
      expectValidation(await t.api(staff).get('/contacts?q=an%00na'), 'q');
      expectValidation(await t.api(staff).post('/contacts/search', { q: 'an\u0000na' }), 'q');
      expectValidation(await t.api(staff).get('/contacts?tag=%00'), 'tag');
      expectValidation(await t.api(compliance).get('/audit-events?entityType=contact%00'), 'entityType');
      expectValidation(await t.api(compliance).get('/audit-events?actorId=%00'), 'actorId');
      const id = await newContact('NulTarget');
      expectValidation(await t.api(staff).patch(`/contacts/${id}`, { notes: 'x\u0000' }), 'notes');
      expectValidation(
        await t.api(staff).post(`/contacts/${id}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1', evidence: { 'form\u0000': 1 } }),
        'evidence.form\\u0000',
      );
      expectValidation(await t.api(staff).get(`/contacts/${id}%00`), 'id');
      const imported = await t.api(staff)
        .post('/contacts/import')
        .set('Content-Type', 'text/csv')
        .send('givenName,familyName,email\nAn\u0000na,Nul,anna.nul@example.org\n');
      // The import body is streamed to the importer, past every interceptor and pipe: the reader refuses a file
      // holding a NUL (not a text file) before anything is written.
      expect({ status: imported.status, type: imported.headers['content-type'] }).toEqual({ status: 400, type: expect.stringMatching(/^application\/problem\+json/) });
      expect(imported.body.code).toBe('MALFORMED_IMPORT');
      // Malformed UTF-16 (a lone surrogate) is refused the same way: jsonb cannot store it either.
      expectValidation(await t.api(staff).post('/contacts', { givenName: 'Anna', familyName: 'Nul', emails: [{ address: 'anna\ud800@example.org' }] }), 'emails.0.address');
      expect(await contactsCount()).toBe(before + 1);
      expect((await t.api(staff).get(`/contacts/${id}`).expect(200)).body.notes).toBeNull();
    });
  });

  describe('finding 3: null into a required column (500)', () => {
    it('finding 3: noticeText: null and nulls for other fields that cannot be null are 400, while null still clears what may be cleared', async () => {
      const id = await newContact('Nulls');
      const consent = { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1' };
      expectValidation(await t.api(staff).post(`/contacts/${id}/consents`, { ...consent, noticeText: null }), 'noticeText');
      expectValidation(await t.api(staff).post(`/contacts/${id}/consents`, { ...consent, obtainedAt: null }), 'obtainedAt');
      expectValidation(await t.api(staff).post(`/contacts/${id}/consents`, { ...consent, confirmed: null }), 'confirmed');
      expectValidation(await t.api(staff).post(`/contacts/${id}/consents`, { ...consent, recipientIds: null }), 'recipientIds');
      expectValidation(await t.api(staff).post('/contacts', { givenName: 'A', familyName: 'B', emails: null }), 'emails');
      expectValidation(await t.api(staff).post('/contacts', { givenName: 'A', familyName: 'B', tags: null }), 'tags');
      expectValidation(await t.api(staff).post('/contacts', { givenName: 'A', familyName: 'B', socialProfiles: null }), 'socialProfiles');
      expectValidation(await t.api(staff).post('/organisations', { name: 'Org', kind: null }), 'kind');
      expectValidation(
        await t.api(staff).post('/interactions', { type: 'call', occurredAt: '2026-01-05T10:00:00Z', summary: 'x', contactIds: [id], confidential: null }),
        'confidential',
      );
      expectValidation(await t.api().patch(`/purposes/${(await t.api().get('/purposes').expect(200)).body.items[0].id}`, { name: null }), 'name');
      const consents = await t.sql('SELECT 1 FROM consents WHERE contact_id = $1', [id]);
      expect(consents).toHaveLength(0);
      // The documented meaning of null is kept where a field may be cleared.
      await t.api(staff).patch(`/contacts/${id}`, { jobTitle: 'Analyst' }).expect(200);
      const cleared = await t.api(staff).patch(`/contacts/${id}`, { jobTitle: null }).expect(200);
      expect(cleared.body.jobTitle).toBeNull();
      const withoutText = await t.api(staff).post(`/contacts/${id}/consents`, { ...consent, expiresAt: null }).expect(201);
      expect(withoutText.body).toMatchObject({ noticeHash: null, expiresAt: null });
    });
  });

  describe('finding 4: DELETE /api-keys/:id ignored If-Match', () => {
    it('finding 4: revoking an API key honours If-Match (412 on a stale version) and bumps its version', async () => {
      const created = await t.api().post('/api-keys', { name: 'to revoke', role: 'staff' }).expect(201);
      const { id, key, version } = created.body as { id: string; key: string; version: number };
      expect(version).toBe(1);
      const read = await t.api().get(`/api-keys/${id}`).expect(200);
      expect(read.headers.etag).toBe('"1"');
      const stale = await t.api().delete(`/api-keys/${id}`).set('If-Match', '"7"');
      expect({ status: stale.status, code: stale.body.code }).toEqual({ status: 412, code: 'VERSION_MISMATCH' });
      await t.api(key).get('/contacts').expect(200);
      await t.api().delete(`/api-keys/${id}`).set('If-Match', 'W/"1"').expect(412);
      await t.api().delete(`/api-keys/${id}`).set('If-Match', '"1"').expect(204);
      await t.api(key).get('/contacts').expect(401);
      const revoked = await t.api().get(`/api-keys/${id}`).expect(200);
      expect(revoked.body).toMatchObject({ version: 2, revokedAt: expect.any(String) });
      expect(revoked.headers.etag).toBe('"2"');
      await t.api().delete(`/api-keys/${id}`).set('If-Match', '"1"').expect(412);
      await t.api().delete(`/api-keys/${id}`).set('If-Match', '"2"').expect(204);
    });
  });

  describe('finding 5: answers with personal data could be cached', () => {
    it('finding 5: every authenticated /api/v1 answer carries Cache-Control: no-store; public ones keep their own', async () => {
      const id = await newContact('Cached');
      const answers: [string, { headers: Record<string, string> }][] = [
        ['GET /contacts', await t.api(staff).get('/contacts').expect(200)],
        ['GET /contacts/:id', await t.api(staff).get(`/contacts/${id}`).expect(200)],
        ['POST /contacts', await t.api(staff).post('/contacts', { givenName: 'Cara', familyName: 'Cached' }).expect(201)],
        ['POST /contacts/search', await t.api(staff).post('/contacts/search', { q: 'Cached' }).expect(200)],
        ['GET /contacts/:id/interactions', await t.api(staff).get(`/contacts/${id}/interactions`).expect(200)],
        ['GET /contacts/:id/consents', await t.api(staff).get(`/contacts/${id}/consents`).expect(200)],
        ['GET /contacts/:id/export', await t.api(compliance).get(`/contacts/${id}/export`).expect(200)],
        ['GET /audit-events', await t.api(compliance).get('/audit-events').expect(200)],
        ['GET /disclosures', await t.api(compliance).get('/disclosures').expect(200)],
        ['GET /api-keys', await t.api().get('/api-keys').expect(200)],
        ['GET /contacts/:id (404)', await t.api(staff).get('/contacts/00000000-0000-4000-8000-000000000000').expect(404)],
      ];
      for (const [what, res] of answers) expect({ what, cacheControl: res.headers['cache-control'] }).toEqual({ what, cacheControl: 'no-store' });
      // A handler's own choice is kept.
      const jwks = await t.request().get('/.well-known/jwks.json').expect(200);
      expect(jwks.headers['cache-control']).toBe('public, max-age=300');
    });
  });
});
