import { AuditService } from '../../src/audit/audit.service.js';
import { createTestApp, TestApp } from '../setup/test-app.js';

describe('Compliance: export, erasure, consent coverage', () => {
  let t: TestApp;
  let compliance: string;
  let staff: string;
  let purposeId: string;

  const contact = async (given: string, extra = '') => {
    const [row] = await t.sql<{ id: string }>(
      `INSERT INTO contacts (given_name, family_name, emails ${extra ? ', archived_at' : ''})
       VALUES ($1, 'Muster', $2 ${extra ? ', now()' : ''}) RETURNING id`,
      [given, JSON.stringify([{ address: `${given.toLowerCase()}@example.org` }])],
    );
    return row.id;
  };
  const consent = async (contactId: string, opts: { status?: string; expires?: string; withdrawn?: boolean } = {}) => {
    await t.sql(
      `INSERT INTO consents (contact_id, purpose_id, status, method, notice_version, evidence, obtained_at, expires_at, withdrawn_at)
       VALUES ($1, $2, $3, 'web_form', 'v1', '{"ip":"203.0.113.9"}', now() - interval '400 days', $4, $5)`,
      [contactId, purposeId, opts.status ?? 'granted', opts.expires ?? null, opts.withdrawn ? new Date() : null],
    );
  };

  beforeAll(async () => {
    t = await createTestApp();
    compliance = await t.createKey('compliance');
    staff = await t.createKey('staff');
    [{ id: purposeId }] = await t.sql<{ id: string }>(
      `INSERT INTO purposes (key, name, legal_basis, data_categories) VALUES ('newsletter', 'Newsletter', 'consent', '{givenName,emails}') RETURNING id`,
    );
  });
  afterAll(async () => {
    await t.close();
  });

  it('should count coverage over live contacts only', async () => {
    const a = await contact('Anna');
    const b = await contact('Bert');
    const c = await contact('Cara');
    const d = await contact('Dora');
    await contact('Emil');
    const archived = await contact('Finn', 'archived');
    await consent(a);
    await consent(b, { expires: new Date(Date.now() + 10 * 86_400_000).toISOString() });
    await consent(c, { status: 'withdrawn', withdrawn: true });
    await consent(d, { expires: new Date(Date.now() - 86_400_000).toISOString() });
    await consent(archived);
    const res = await t.api(compliance).get('/reports/consent-coverage?purpose=newsletter').expect(200);
    expect(res.body).toEqual({ purpose: 'newsletter', contacts: 5, withConsent: 2, withoutConsent: 3, expiringWithin30Days: 1 });
    await t.api(compliance).get('/reports/consent-coverage?purpose=nope').expect(404);
    await t.api(compliance).get('/reports/consent-coverage').expect(400);
    await t.api(staff).get('/reports/consent-coverage?purpose=newsletter').expect(403);
  });

  it('should export everything held on a contact, and audit the export', async () => {
    const id = await contact('Gina');
    await consent(id);
    const logged = await t
      .api(staff)
      .post('/interactions', { type: 'meeting', occurredAt: '2026-11-20T10:00:00Z', summary: 'Talked about internships', contactIds: [id], followUp: { note: 'Send brochure' } })
      .expect(201);
    const res = await t.api(compliance).get(`/contacts/${id}/export`).expect(200);
    expect(res.body.interactions).toEqual([expect.objectContaining({ id: logged.body.id, summary: 'Talked about internships' })]);
    expect(res.body.followUps).toEqual([expect.objectContaining({ note: 'Send brochure' })]);
    expect(res.body.profile).toMatchObject({ id, givenName: 'Gina', familyName: 'Muster' });
    expect(res.body.consents).toHaveLength(1);
    expect(res.body.consents[0]).toMatchObject({ purpose: 'newsletter', status: 'granted', evidence: { ip: '203.0.113.9' } });
    await t.api(staff).get(`/contacts/${id}/export`).expect(403);
    await t.api(compliance).get(`/contacts/00000000-0000-4000-8000-000000000000/export`).expect(404);
    const audit = await t.api(compliance).get(`/audit-events?entityType=contact&entityId=${id}`).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('export');
  });

  it('should erase for good, keep proof pseudonymised, shred sealed audit values and keep the chain valid', async () => {
    const id = await contact('Hanna');
    const other = await contact('Ivo');
    await consent(id);
    const solo = await t.api(staff).post('/interactions', { type: 'call', occurredAt: '2026-11-20T10:00:00Z', summary: 'Hanna told me about her move', contactIds: [id] }).expect(201);
    const shared = await t.api(staff).post('/interactions', { type: 'meeting', occurredAt: '2026-11-21T10:00:00Z', summary: 'Panel with Ivo', contactIds: [id, other] }).expect(201);
    await t.app.get(AuditService).record({ action: 'update', entityType: 'contact', entityId: id, contactId: id, after: { givenName: 'Hanna' } });
    const before = await t.api(compliance).get(`/audit-events?entityId=${id}&entityType=contact`).expect(200);
    expect(before.body.items[0].after).toEqual({ givenName: 'Hanna' });

    await t.api(staff).post(`/contacts/${id}/erase`).expect(403);
    const erased = await t.api(compliance).post(`/contacts/${id}/erase`).expect(200);
    expect(erased.body).toMatchObject({ contactId: id, alreadyErased: false, erasedAt: expect.stringMatching(/^\d{4}-/) });

    const [row] = await t.sql<Record<string, unknown>>(`SELECT * FROM contacts WHERE id = $1`, [id]);
    expect(row.given_name).toBe('Erased');
    expect(JSON.stringify(row)).not.toContain('hanna');
    expect(row.erased_at).not.toBeNull();
    const [c] = await t.sql<{ evidence: unknown; status: string }>(`SELECT evidence, status FROM consents WHERE contact_id = $1`, [id]);
    expect(c).toEqual({ evidence: { erased: true }, status: 'granted' });

    const after = await t.api(compliance).get(`/audit-events?entityId=${id}&entityType=contact`).expect(200);
    const update = after.body.items.find((e: { action: string }) => e.action === 'update');
    expect(update).toMatchObject({ after: null, erased: true });
    const [raw] = await t.sql<{ after: unknown }>(`SELECT after FROM audit_events WHERE id = $1`, [update.id]);
    expect(JSON.stringify(raw.after)).not.toContain('Hanna');
    const verify = await t.api(compliance).get('/audit-events/verify').expect(200);
    expect(verify.body.valid).toBe(true);

    const [soloRow] = await t.sql<{ summary: string }>(`SELECT summary FROM interactions WHERE id = $1`, [solo.body.id]);
    expect(soloRow.summary).toBe('[erased]');
    const [sharedRow] = await t.sql<{ summary: string }>(`SELECT summary FROM interactions WHERE id = $1`, [shared.body.id]);
    expect(sharedRow.summary).toBe('Panel with Ivo');

    const again = await t.api(compliance).post(`/contacts/${id}/erase`).expect(200);
    expect(again.body.alreadyErased).toBe(true);
  });

  it('should drop stored idempotent answers that hold the erased contact, keeping others', async () => {
    const created = await t.api(staff).post('/contacts', { givenName: 'Jana', familyName: 'Idem' }).set('Idempotency-Key', 'jana-1').expect(201);
    await t.api(staff).post('/contacts', { givenName: 'Karl', familyName: 'Idem' }).set('Idempotency-Key', 'karl-1').expect(201);
    const stored = await t.sql<{ response_body: unknown }>(`SELECT response_body FROM idempotency_keys WHERE key = 'jana-1'`);
    expect(JSON.stringify(stored)).not.toContain('Jana');
    await t.api(compliance).post(`/contacts/${created.body.id}/erase`).expect(200);
    const keys = await t.sql<{ key: string }>(`SELECT key FROM idempotency_keys WHERE key IN ('jana-1', 'karl-1') ORDER BY key`);
    expect(keys.map((k) => k.key)).toEqual(['karl-1']);
  });
});
