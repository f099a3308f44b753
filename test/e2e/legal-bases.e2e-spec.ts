import { createTestApp, TestApp } from '../setup/test-app.js';

/**
 * Issue 12, per-person legal bases: `contract`, `legal_obligation`, `vital_interests` and `public_task` purposes allow
 * a contact only with a live basis recorded for that person (reason `legal_basis`), else `no_basis`;
 * `legitimate_interests` keeps applying to everyone unless objected. The single check, the bulk check and disclosures
 * must agree: the same fixtures go through all three.
 */
describe('Per-person legal bases', () => {
  let t: TestApp;
  let staff: string;
  let compliance: string;
  let integration: string;
  let recipient: string;

  const contact = async (given: string): Promise<string> => {
    const res = await t.api(staff).post('/contacts', { givenName: given, familyName: 'Basis', emails: [{ address: `${given.toLowerCase()}@bases.example` }] }).expect(201);
    return res.body.id as string;
  };
  const record = (contactId: string, body: Record<string, unknown>, key = staff) => t.api(key).post(`/contacts/${contactId}/bases`, body);
  const single = async (contactId: string, purpose: string) =>
    (await t.api(staff).get(`/consent-check?contactId=${contactId}&purpose=${purpose}&recipientId=${recipient}`).expect(200)).body as Record<string, unknown>;

  beforeAll(async () => {
    t = await createTestApp();
    staff = await t.createKey('staff');
    compliance = await t.createKey('compliance');
    recipient = (await t.api().post('/recipients', { name: 'Payroll', kind: 'internal_tool' }).expect(201)).body.id;
    integration = await t.createKey('integration', { recipientId: recipient });
    await t.api().post('/purposes', { key: 'membership', name: 'Membership', description: 'Member admin', legalBasis: 'contract', dataCategories: ['givenName', 'familyName'] }).expect(201);
    await t.api().post('/purposes', { key: 'tax-reporting', name: 'Tax', description: 'Statutory reports', legalBasis: 'legal_obligation', dataCategories: ['givenName'] }).expect(201);
    await t.api().post('/purposes', { key: 'crm-sync', name: 'CRM', description: 'Balancing test: …', legalBasis: 'legitimate_interests', dataCategories: ['givenName'] }).expect(201);
    await t.api().post('/purposes', { key: 'newsletter', name: 'News', description: 'News', legalBasis: 'consent', dataCategories: ['givenName'] }).expect(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it('should record a basis (staff, admin), list it (compliance reads) and refuse the other roles', async () => {
    const c = await contact('Ruth');
    const res = await record(c, { purpose: 'membership', reference: 'M-2026-0042', validUntil: '2099-01-01T00:00:00Z' }).expect(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      contactId: c,
      purpose: 'membership',
      legalBasis: 'contract',
      reference: 'M-2026-0042',
      status: 'live',
      validUntil: '2099-01-01T00:00:00.000Z',
      endedAt: null,
    });
    await record(c, { purpose: 'membership', reference: 'x' }, compliance).expect(403);
    await record(c, { purpose: 'membership', reference: 'x' }, integration).expect(403);
    await record(c, { purpose: 'membership', reference: 'by admin' }, t.adminKey).expect(201);

    const list = await t.api(compliance).get(`/contacts/${c}/bases`).expect(200);
    expect(list.body.items.map((b: { reference: string }) => b.reference)).toEqual(['by admin', 'M-2026-0042']);
    expect(list.body.nextCursor).toBeNull();
    const page1 = await t.api(staff).get(`/contacts/${c}/bases?limit=1`).expect(200);
    expect(page1.body.items).toHaveLength(1);
    const page2 = await t.api(staff).get(`/contacts/${c}/bases?limit=1&cursor=${page1.body.nextCursor}`).expect(200);
    expect(page2.body.items[0].reference).toBe('M-2026-0042');
    await t.api(integration).get(`/contacts/${c}/bases`).expect(403);

    const audit = await t.sql<{ action: string }>(`SELECT action FROM audit_events WHERE entity_type = 'legal_basis' AND entity_id = $1`, [res.body.id]);
    expect(audit).toEqual([{ action: 'create' }]);
  });

  it('should answer problems for bad input: unknown contact or purpose, validity, a purpose that needs no record', async () => {
    const c = await contact('Irene');
    await record('00000000-0000-4000-8000-00000000abcd', { purpose: 'membership', reference: 'x' }).expect(404);
    await t.api(staff).get('/contacts/00000000-0000-4000-8000-00000000abcd/bases').expect(404);
    await record(c, { purpose: 'no-such-purpose', reference: 'x' }).expect(404);
    await record(c, { purpose: 'membership', reference: '' }).expect(400);
    await record(c, { purpose: 'membership' }).expect(400);
    await record(c, { purpose: 'membership', reference: 'x', extra: 1 }).expect(400);
    const bad = await record(c, { purpose: 'membership', reference: 'x', validFrom: '2026-05-01T00:00:00Z', validUntil: '2026-04-01T00:00:00Z' }).expect(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    for (const purpose of ['newsletter', 'crm-sync']) {
      const res = await record(c, { purpose, reference: 'x' }).expect(409);
      expect(res.body.code).toBe('BASIS_NOT_RECORDABLE');
    }
    await t.api(staff).post('/bases/00000000-0000-4000-8000-00000000abcd/end', {}).expect(404);
    await t.api(staff).post('/bases/not-a-uuid/end', {}).expect(400);
  });

  it('should agree in the single check, the bulk check and disclosures, for every row of the rule', async () => {
    const none = await contact('Nora');
    const live = await contact('Lena');
    const ended = await contact('Edda');
    const future = await contact('Fiona');
    const lapsed = await contact('Lara');
    const objected = await contact('Olga');
    const erased = await contact('Erna');
    const unknown = '00000000-0000-4000-8000-0000000000aa';
    await record(live, { purpose: 'membership', reference: 'M-1' }).expect(201);
    const e = await record(ended, { purpose: 'membership', reference: 'M-2' }).expect(201);
    await t.api(staff).post(`/bases/${e.body.id}/end`, { reason: 'contract terminated' }).expect(200);
    await record(future, { purpose: 'membership', reference: 'M-3', validFrom: '2099-01-01T00:00:00Z' }).expect(201);
    await record(lapsed, { purpose: 'membership', reference: 'M-4', validFrom: '2020-01-01T00:00:00Z', validUntil: '2021-01-01T00:00:00Z' }).expect(201);
    await record(objected, { purpose: 'membership', reference: 'M-5' }).expect(201);
    await t.api(staff).post(`/contacts/${objected}/objections`, { purpose: 'membership' }).expect(201);
    await record(erased, { purpose: 'membership', reference: 'M-6' }).expect(201);
    await t.api(compliance).post(`/contacts/${erased}/erase`, {}).expect(200);
    // A basis for another purpose does not count.
    await record(none, { purpose: 'tax-reporting', reference: 'T-1' }).expect(201);

    const expected: [string, string][] = [
      [none, 'no_basis'],
      [live, 'legal_basis'],
      [ended, 'no_basis'],
      [future, 'no_basis'],
      [lapsed, 'no_basis'],
      [objected, 'objection'],
      [erased, 'contact_erased'],
      [unknown, 'unknown_contact'],
    ];
    const ids = expected.map(([id]) => id);

    const singles: Record<string, unknown>[] = [];
    for (const id of ids) singles.push({ contactId: id, ...(await single(id, 'membership')) });
    const bulk = (await t.api(staff).post('/consent-check', { purpose: 'membership', recipientId: recipient, contactIds: ids }).expect(200)).body.results;
    const d = (await t.api(integration).post('/disclosures', { purpose: 'membership', recipientId: recipient, contactIds: ids }).expect(201)).body;
    const fromDisclosure = ids.map((id) => {
      const w = d.withheld.find((x: { contactId: string }) => x.contactId === id);
      return { contactId: id, reason: w ? w.reason : 'legal_basis' };
    });

    const want = expected.map(([contactId, reason]) => ({ contactId, reason }));
    expect(singles.map((s) => ({ contactId: s.contactId, reason: s.reason }))).toEqual(want);
    expect(bulk.map((s: { contactId: string; reason: string }) => ({ contactId: s.contactId, reason: s.reason }))).toEqual(want);
    expect(fromDisclosure).toEqual(want);
    expect(singles).toEqual(bulk);
    expect(singles[1]).toEqual({ contactId: live, allowed: true, legalBasis: 'contract', consentId: null, reason: 'legal_basis' });
    expect(singles[0]).toEqual({ contactId: none, allowed: false, legalBasis: null, consentId: null, reason: 'no_basis' });
    expect(d.disclosed).toEqual([{ contactId: live, data: { givenName: 'Lena', familyName: 'Basis' } }]);

    // The basis recorded for tax-reporting allows that purpose; legitimate interests need no record at all.
    expect((await single(none, 'tax-reporting')).reason).toBe('legal_basis');
    expect(await single(none, 'crm-sync')).toEqual({ allowed: true, legalBasis: 'legitimate_interests', consentId: null, reason: 'legal_basis' });
    expect((await single(objected, 'crm-sync')).reason).toBe('legal_basis');
  });

  it('should end a basis once (staff), answer a second ending with the first, and then withhold (no_basis)', async () => {
    const c = await contact('Greta');
    const b = await record(c, { purpose: 'membership', reference: 'M-77' }).expect(201);
    expect((await single(c, 'membership')).reason).toBe('legal_basis');
    await t.api(compliance).post(`/bases/${b.body.id}/end`, {}).expect(403);
    await t.api(integration).post(`/bases/${b.body.id}/end`, {}).expect(403);
    const first = await t.api(staff).post(`/bases/${b.body.id}/end`, { reason: 'membership cancelled' }).expect(200);
    expect(first.body).toMatchObject({ id: b.body.id, status: 'ended', endReason: 'membership cancelled', endedAt: expect.any(String) });
    const again = await t.api(staff).post(`/bases/${b.body.id}/end`, { reason: 'other' }).expect(200);
    expect(again.body).toEqual(first.body);
    expect((await single(c, 'membership')).reason).toBe('no_basis');
    const audit = await t.sql<{ action: string }>(`SELECT action FROM audit_events WHERE entity_type = 'legal_basis' AND entity_id = $1 ORDER BY written_seq`, [b.body.id]);
    expect(audit.map((a) => a.action)).toEqual(['create', 'end']);
    // Append-only in the database too.
    await expect(t.sql(`UPDATE legal_bases SET valid_from = now() WHERE id = $1`, [b.body.id])).rejects.toThrow(/append-only/);
    await expect(t.sql(`DELETE FROM legal_bases WHERE id = $1`, [b.body.id])).rejects.toThrow(/append-only/);
  });

  it('should refuse a basis for an erased contact, export bases, and keep them pseudonymised after erasure', async () => {
    const c = await contact('Wilhelmina');
    await record(c, { purpose: 'membership', reference: 'Wilhelmina contract 9' }).expect(201);
    const exp = await t.api(compliance).get(`/contacts/${c}/export`).expect(200);
    expect(JSON.stringify(exp.body)).toContain('Wilhelmina contract 9');
    await t.api(compliance).post(`/contacts/${c}/erase`, {}).expect(200);
    const rows = await t.sql<{ reference: string; ended_at: Date | null; purpose_id: string }>(`SELECT reference, ended_at, purpose_id FROM legal_bases WHERE contact_id = $1`, [c]);
    expect(rows).toHaveLength(1);
    expect(rows[0].reference).toBe('[erased]');
    expect(rows[0].ended_at).not.toBeNull();
    const list = await t.api(compliance).get(`/contacts/${c}/bases`).expect(200);
    expect(JSON.stringify(list.body)).not.toContain('Wilhelmina');
    const res = await record(c, { purpose: 'membership', reference: 'again' }).expect(410);
    expect(res.body.code).toBe('CONTACT_ERASED');
  });
});
