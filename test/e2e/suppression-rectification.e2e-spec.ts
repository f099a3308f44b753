import { createHash, createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { CryptoService } from '../../src/crypto/crypto.service.js';
import { createTestApp, TestApp } from '../setup/test-app.js';
import { Receiver, waitFor } from './webhooks-helpers.js';

/**
 * Issue 12: erasure puts the person's e-mail addresses on a suppression list (keyed hashes only), which create, PATCH
 * and import honour (409 SUPPRESSED, reason `suppressed`) until a compliance officer lifts it; and rectification
 * (Art. 16/19) tells only the recipients that were disclosed a field that changed, naming the fields, never values.
 */
describe('Suppression after erasure, and rectification per field', () => {
  let t: TestApp;
  let rx: Receiver;
  let staff: string;
  let compliance: string;
  let integration: string;

  const importCsv = (csv: string) =>
    t.request().post('/api/v1/contacts/import').set('X-API-Key', staff).set('Content-Type', 'text/csv').send(csv);
  const newContact = async (given: string, email: string, extra: Record<string, unknown> = {}) =>
    (await t.api(staff).post('/contacts', { givenName: given, familyName: 'Suppressed', emails: [{ address: email }], ...extra }).expect(201)).body as {
      id: string;
      version: number;
    };

  beforeAll(async () => {
    rx = await new Receiver().start();
    t = await createTestApp({ env: { WEBHOOK_POLL_INTERVAL_MS: '50', WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_TIMEOUT_MS: '3000' } });
    staff = await t.createKey('staff');
    compliance = await t.createKey('compliance');
    const r = (await t.api().post('/recipients', { name: 'Someone', kind: 'internal_tool' }).expect(201)).body.id;
    integration = await t.createKey('integration', { recipientId: r });
  });
  afterAll(async () => {
    await t?.close();
    await rx?.stop();
  });

  describe('suppression', () => {
    let suppressionId: string;

    it('should suppress an erased person\'s addresses as keyed hashes and refuse them on create, PATCH and import (409 SUPPRESSED)', async () => {
      const erased = await newContact('Xaver', 'xaver.unique@supp.example', { emails: [{ address: 'xaver.unique@supp.example' }, { address: 'x2@supp.example' }] });
      await t.api(compliance).post(`/contacts/${erased.id}/erase`, {}).expect(200);

      // Stored only as HMAC-SHA256 under the key derived from MASTER_KEY: not the address, not a plain hash of it.
      const rows = await t.sql<{ hash: Buffer; reason: string }>(`SELECT hash, reason FROM suppressions`);
      expect(rows).toHaveLength(2);
      const key = t.app.get(CryptoService).suppressionKey();
      const hmac = createHmac('sha256', key).update('xaver.unique@supp.example').digest('hex');
      expect(rows.map((r) => Buffer.from(r.hash).toString('hex'))).toContain(hmac);
      expect(rows.map((r) => Buffer.from(r.hash).toString('hex'))).not.toContain(createHash('sha256').update('xaver.unique@supp.example').digest('hex'));
      expect(JSON.stringify(await t.sql(`SELECT * FROM suppressions`))).not.toContain('xaver');

      // Create: the same address in another spelling (case, blanks) is the same address.
      const created = await t.api(staff).post('/contacts', { givenName: 'Xaver', familyName: 'Again', emails: [{ address: '  XAVER.Unique@Supp.example ' }] }).expect(409);
      expect(created.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(created.body.code).toBe('SUPPRESSED');
      expect(JSON.stringify(created.body)).not.toMatch(/xaver/i);

      // PATCH adding the address: 409; a PATCH that adds nothing suppressed goes through.
      const other = await newContact('Olaf', 'olaf@supp.example');
      const patched = await t.api(staff).patch(`/contacts/${other.id}`, { emails: [{ address: 'olaf@supp.example' }, { address: 'x2@supp.example' }] }).expect(409);
      expect(patched.body.code).toBe('SUPPRESSED');
      await t.api(staff).patch(`/contacts/${other.id}`, { jobTitle: 'Clerk', emails: [{ address: 'olaf@supp.example' }, { address: 'olaf2@supp.example' }] }).expect(200);

      // Import: the row is rejected with reason `suppressed`, the others are written (a re-import after erasure is refused).
      const res = await importCsv(['First Name,Last Name,E-Mail', 'Xaver,Reimported,Xaver.Unique@supp.example', 'Nina,New,nina@supp.example'].join('\r\n')).expect(200);
      expect(res.body.rejected).toEqual([{ row: 1, reason: 'suppressed' }]);
      expect(res.body.created).toHaveLength(1);
      expect(await t.sql(`SELECT id FROM contacts WHERE given_name = 'Xaver' AND erased_at IS NULL`)).toEqual([]);
    });

    it('should list suppressions to admin and compliance only, never with an address or hash', async () => {
      const list = await t.api(compliance).get('/suppressions').expect(200);
      expect(list.body.nextCursor).toBeNull();
      expect(list.body.items).toHaveLength(2);
      for (const item of list.body.items) {
        expect(Object.keys(item).sort()).toEqual(['createdAt', 'id', 'reason']);
        expect(item.reason).toBe('erasure');
      }
      expect(JSON.stringify(list.body)).not.toMatch(/supp\.example|xaver/i);
      const page = await t.api().get('/suppressions?limit=1').expect(200);
      expect(page.body.items).toHaveLength(1);
      const next = await t.api().get(`/suppressions?limit=1&cursor=${page.body.nextCursor}`).expect(200);
      expect(next.body.items[0].id).not.toBe(page.body.items[0].id);
      await t.api(staff).get('/suppressions').expect(403);
      await t.api(integration).get('/suppressions').expect(403);
      await t.request().get('/api/v1/suppressions').expect(401);
      const created = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE entity_type = 'suppression' AND action = 'create'`);
      expect(created[0].n).toBe(2);
      suppressionId = list.body.items.map((i: { id: string }) => i.id)[0];
    });

    it('should lift a suppression (admin, compliance; 204, audited): the address may come back', async () => {
      await t.api(staff).delete(`/suppressions/${suppressionId}`).expect(403);
      await t.api(integration).delete(`/suppressions/${suppressionId}`).expect(403);
      await t.api(compliance).delete('/suppressions/00000000-0000-4000-8000-00000000dead').expect(404);
      await t.api(compliance).delete('/suppressions/not-a-uuid').expect(400);
      // Which of the two addresses this row is cannot be seen: lift both, one by compliance and one by admin.
      const ids = (await t.api(compliance).get('/suppressions').expect(200)).body.items.map((i: { id: string }) => i.id);
      await t.api(compliance).delete(`/suppressions/${ids[0]}`).expect(204);
      await t.api().delete(`/suppressions/${ids[1]}`).expect(204);
      await t.api(compliance).delete(`/suppressions/${ids[0]}`).expect(404);
      expect((await t.api(compliance).get('/suppressions').expect(200)).body.items).toEqual([]);
      const audit = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE entity_type = 'suppression' AND action = 'delete'`);
      expect(audit[0].n).toBe(2);
      await t.api(staff).post('/contacts', { givenName: 'Xaver', familyName: 'Back', emails: [{ address: 'xaver.unique@supp.example' }] }).expect(201);
    });
  });

  describe('rectification per field (Art. 16/19)', () => {
    it('should notify only the recipients that were disclosed a changed field, with the field names and no values', async () => {
      const names = (await t.api().post('/recipients', { name: 'Names tool', kind: 'internal_tool', webhookUrl: rx.url('/names') }).expect(201)).body;
      const mails = (await t.api().post('/recipients', { name: 'Mail tool', kind: 'internal_tool', webhookUrl: rx.url('/mails') }).expect(201)).body;
      await t.api().post('/purposes', { key: 'rect-names', name: 'Names', description: 'd', legalBasis: 'legitimate_interests', dataCategories: ['givenName', 'familyName'] }).expect(201);
      await t.api().post('/purposes', { key: 'rect-mail', name: 'Mail', description: 'd', legalBasis: 'legitimate_interests', dataCategories: ['givenName', 'emails', 'jobTitle'] }).expect(201);
      const c = await newContact('Rhea', 'rhea@rect.example');
      await t.api(staff).post('/disclosures', { purpose: 'rect-names', recipientId: names.id, contactIds: [c.id], fields: ['familyName'] }).expect(201);
      await t.api(staff).post('/disclosures', { purpose: 'rect-mail', recipientId: mails.id, contactIds: [c.id], fields: ['emails', 'jobTitle'] }).expect(201);

      // jobTitle and emails change: only the mail tool received them.
      await t.api(staff).patch(`/contacts/${c.id}`, { jobTitle: 'Captain', emails: [{ address: 'rhea.new@rect.example' }], tags: ['x'] }).set('If-Match', `"${c.version}"`).expect(200);
      const msg = await waitFor(() => rx.at('/mails')[0], 'the contact.rectified webhook to the mail tool');
      const body = new Webhook(mails.secret).verify(msg.body, msg.headers as Record<string, string>) as Record<string, unknown>;
      expect(body).toEqual({ type: 'contact.rectified', contactId: c.id, fields: ['emails', 'jobTitle'], occurredAt: expect.any(String) });
      expect(msg.body).not.toMatch(/Captain|rhea/);
      const toNames = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE recipient_id = $1`, [names.id]);
      expect(toNames[0].n).toBe(0);

      // familyName changes: only the names tool; givenName (disclosed to nobody) alone: nobody.
      await t.api(staff).patch(`/contacts/${c.id}`, { givenName: 'Rhia' }).expect(200);
      await t.api(staff).patch(`/contacts/${c.id}`, { familyName: 'Renamed' }).expect(200);
      const n = await waitFor(() => rx.at('/names')[0], 'the contact.rectified webhook to the names tool');
      expect(JSON.parse(n.body)).toMatchObject({ type: 'contact.rectified', contactId: c.id, fields: ['familyName'] });
      expect(n.body).not.toContain('Renamed');
      const all = await t.sql<{ recipient_id: string; body: string }>(`SELECT recipient_id, body FROM webhook_deliveries WHERE contact_id = $1 ORDER BY created_at`, [c.id]);
      expect(all.map((d) => [d.recipient_id, JSON.parse(d.body).fields])).toEqual([
        [mails.id, ['emails', 'jobTitle']],
        [names.id, ['familyName']],
      ]);

      // An import that rectifies a field tells the recipients of that field only.
      await importCsv(['First Name,Last Name,E-Mail,Job Title', 'Rhia,Renamed,rhea.new@rect.example,Admiral'].join('\r\n')).expect(200);
      const after = await t.sql<{ recipient_id: string; body: string }>(`SELECT recipient_id, body FROM webhook_deliveries WHERE contact_id = $1 ORDER BY created_at`, [c.id]);
      expect(after).toHaveLength(3);
      expect([after[2].recipient_id, JSON.parse(after[2].body).fields]).toEqual([mails.id, ['jobTitle']]);
    });
  });
});
