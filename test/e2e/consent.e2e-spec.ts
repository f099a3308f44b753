import { createTestApp, TestApp } from '../setup/test-app.js';

describe('Consent gate: consents, objections and checks', () => {
  let t: TestApp;
  let staff: string;
  let compliance: string;
  let recipientA: string;
  let recipientB: string;
  let integrationA: string;

  const contact = async (given = 'Ada', family = 'Lovelace') => {
    const [row] = await t.sql<{ id: string }>(
      `INSERT INTO contacts (given_name, family_name, emails) VALUES ($1, $2, $3) RETURNING id`,
      [given, family, JSON.stringify([{ address: `${given.toLowerCase()}@example.org` }])],
    );
    return row.id;
  };
  const purpose = async (key: string, legalBasis = 'consent', dataCategories = ['givenName', 'familyName', 'emails']) => {
    const res = await t.api().post('/purposes', { key, name: key, description: `${key} purpose`, legalBasis, dataCategories });
    expect(res.status).toBe(201);
    return res.body;
  };
  const check = (contactId: string, p: string, recipientId: string, key = staff) =>
    t.api(key).get(`/consent-check?contactId=${contactId}&purpose=${p}&recipientId=${recipientId}`);

  beforeAll(async () => {
    t = await createTestApp();
    staff = await t.createKey('staff');
    compliance = await t.createKey('compliance');
    recipientA = (await t.api().post('/recipients', { name: 'Mailer', kind: 'internal_tool' }).expect(201)).body.id;
    recipientB = (await t.api().post('/recipients', { name: 'Partner', kind: 'partner_organisation' }).expect(201)).body.id;
    integrationA = await t.createKey('integration', { recipientId: recipientA });
    await purpose('newsletter');
    await purpose('crm-sync', 'legitimate_interests');
  });
  afterAll(async () => {
    await t.close();
  });

  it('should answer no_consent before anything is recorded', async () => {
    const c = await contact();
    const res = await check(c, 'newsletter', recipientA).expect(200);
    expect(res.body).toEqual({ allowed: false, legalBasis: null, consentId: null, reason: 'no_consent' });
  });

  it('should grant, allow, and then withdraw (Art. 7(3))', async () => {
    const c = await contact();
    const created = await t.api(staff).post(`/contacts/${c}/consents`, {
      purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1', evidence: { form: 'signup' }, noticeText: 'We send a monthly newsletter.',
    }).expect(201);
    expect(created.body).toMatchObject({ id: expect.any(String), status: 'granted', purpose: 'newsletter', contactId: c, recipientIds: [], method: 'web_form' });
    expect(created.body.noticeHash).toMatch(/^[0-9a-f]{64}$/);
    const allowed = await check(c, 'newsletter', recipientA).expect(200);
    expect(allowed.body).toEqual({ allowed: true, legalBasis: 'consent', consentId: created.body.id, reason: 'consent_granted' });

    const w = await t.api(staff).post(`/consents/${created.body.id}/withdraw`, { reason: 'asked by phone' }).expect(200);
    expect(w.body).toMatchObject({ status: 'withdrawn', withdrawnAt: expect.any(String) });
    const denied = await check(c, 'newsletter', recipientA).expect(200);
    expect(denied.body).toEqual({ allowed: false, legalBasis: null, consentId: null, reason: 'consent_withdrawn' });

    const one = await t.api(compliance).get(`/consents/${created.body.id}`).expect(200);
    expect(one.body.status).toBe('withdrawn');
    const audit = await t.sql(`SELECT action, contact_id FROM audit_events WHERE entity_type = 'consent' AND entity_id = $1 ORDER BY written_seq`, [created.body.id]);
    expect(audit.map((a) => a.action)).toEqual(['create', 'withdraw']);
    expect(audit[0].contact_id).toBe(c);
  });

  it('should treat a consent recorded with past obtainedAt and expiresAt as expired from the start', async () => {
    const c = await contact();
    const res = await t.api(staff).post(`/contacts/${c}/consents`, {
      purpose: 'newsletter', method: 'import', noticeVersion: 'v0', obtainedAt: '2020-01-01T00:00:00Z', expiresAt: '2021-01-01T00:00:00Z',
    }).expect(201);
    expect(res.body.status).toBe('expired');
    expect((await check(c, 'newsletter', recipientA).expect(200)).body.reason).toBe('consent_expired');
    const hist = await t.api(staff).get(`/contacts/${c}/consents`).expect(200);
    expect(hist.body.items).toHaveLength(1);
    expect(hist.body.items[0].status).toBe('expired');
    expect(hist.body.nextCursor).toBeNull();
  });

  it('should record a consent whose expiresAt is already past as expired, even without obtainedAt', async () => {
    const c = await contact();
    const res = await t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'paper', noticeVersion: 'v1', expiresAt: '2021-01-01T00:00:00Z' }).expect(201);
    expect(res.body.status).toBe('expired');
    expect((await check(c, 'newsletter', recipientA).expect(200)).body.reason).toBe('consent_expired');
  });

  it('should keep the whole history, withdrawn and expired included', async () => {
    const c = await contact();
    const a = await t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'paper', noticeVersion: 'v1' }).expect(201);
    await t.api(staff).post(`/consents/${a.body.id}/withdraw`, {}).expect(200);
    await t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'import', noticeVersion: 'v0', obtainedAt: '2019-01-01T00:00:00Z', expiresAt: '2019-06-01T00:00:00Z' }).expect(201);
    await t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'verbal', noticeVersion: 'v2' }).expect(201);
    const hist = await t.api(compliance).get(`/contacts/${c}/consents`).expect(200);
    expect(hist.body.items.map((i: { status: string }) => i.status).sort()).toEqual(['expired', 'granted', 'withdrawn']);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await t.api(compliance).get(`/contacts/${c}/consents?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`).expect(200);
      seen.push(...res.body.items.map((x: { id: string }) => x.id));
      cursor = res.body.nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual(hist.body.items.map((x: { id: string }) => x.id));
    expect((await check(c, 'newsletter', recipientA).expect(200)).body.reason).toBe('consent_granted');
  });

  it('should block a purpose after an objection, whatever its legal basis (Art. 21)', async () => {
    const c = await contact();
    expect((await check(c, 'crm-sync', recipientA).expect(200)).body).toEqual({ allowed: true, legalBasis: 'legitimate_interests', consentId: null, reason: 'legal_basis' });
    await t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1' }).expect(201);
    const o = await t.api(staff).post(`/contacts/${c}/objections`, { purpose: 'crm-sync' }).expect(201);
    expect(o.body).toMatchObject({ id: expect.any(String), contactId: c, purpose: 'crm-sync' });
    await t.api(staff).post(`/contacts/${c}/objections`, { purpose: 'newsletter' }).expect(201);
    expect((await check(c, 'crm-sync', recipientA).expect(200)).body).toEqual({ allowed: false, legalBasis: null, consentId: null, reason: 'objection' });
    expect((await check(c, 'newsletter', recipientA).expect(200)).body.reason).toBe('objection');
    const list = await t.api(compliance).get(`/contacts/${c}/objections`).expect(200);
    expect(list.body.items).toHaveLength(2);
    const audit = await t.sql(`SELECT contact_id FROM audit_events WHERE entity_type = 'objection' AND entity_id = $1`, [o.body.id]);
    expect(audit[0].contact_id).toBe(c);
  });

  it('should allow legitimate interests without any consent', async () => {
    const c = await contact();
    const res = await check(c, 'crm-sync', recipientB).expect(200);
    expect(res.body).toEqual({ allowed: true, legalBasis: 'legitimate_interests', consentId: null, reason: 'legal_basis' });
  });

  it('should honour the recipient scope of a consent', async () => {
    const c = await contact();
    const k = await t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1', recipientIds: [recipientA] }).expect(201);
    expect(k.body.recipientIds).toEqual([recipientA]);
    expect((await check(c, 'newsletter', recipientA).expect(200)).body.reason).toBe('consent_granted');
    expect((await check(c, 'newsletter', recipientB).expect(200)).body).toEqual({ allowed: false, legalBasis: null, consentId: null, reason: 'recipient_not_covered' });
  });

  it('should keep a double opt-in pending until the token is confirmed, once', async () => {
    const c = await contact();
    const res = await t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'email_double_opt_in', noticeVersion: 'v1', confirmed: false }).expect(201);
    expect(res.body).toMatchObject({ status: 'pending', confirmationToken: expect.any(String) });
    const stored = await t.sql(`SELECT confirmation_token_hash FROM consents WHERE id = $1`, [res.body.id]);
    expect(stored[0].confirmation_token_hash).not.toBe(res.body.confirmationToken);
    expect((await check(c, 'newsletter', recipientA).expect(200)).body).toEqual({ allowed: false, legalBasis: null, consentId: null, reason: 'consent_pending' });

    await t.request().post('/api/v1/consents/confirm').send({ token: 'not-a-token' }).expect(404);
    const ok = await t.request().post('/api/v1/consents/confirm').send({ token: res.body.confirmationToken }).expect(200);
    expect(ok.body).toMatchObject({ id: res.body.id, status: 'granted' });
    expect((await check(c, 'newsletter', recipientA).expect(200)).body).toMatchObject({ allowed: true, reason: 'consent_granted', consentId: res.body.id });
    await t.request().post('/api/v1/consents/confirm').send({ token: res.body.confirmationToken }).expect(404);
    const audit = await t.sql(`SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY written_seq`, [res.body.id]);
    expect(audit.map((a) => a.action)).toEqual(['create', 'confirm']);
    expect(JSON.stringify(await t.sql(`SELECT before, after FROM audit_events WHERE entity_id = $1`, [res.body.id]))).not.toContain(res.body.confirmationToken);
  });

  it('should refuse confirmed:false for methods other than email double opt-in', async () => {
    const c = await contact();
    await t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'paper', noticeVersion: 'v1', confirmed: false }).expect(400);
  });

  it('should answer 405 problem to PATCH and DELETE of a consent', async () => {
    const c = await contact();
    const k = await t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'paper', noticeVersion: 'v1' }).expect(201);
    const p = await t.api(staff).patch(`/consents/${k.body.id}`, { status: 'granted' }).expect(405);
    expect(p.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(p.body.status).toBe(405);
    const d = await t.api().delete(`/consents/${k.body.id}`).expect(405);
    expect(d.body.status).toBe(405);
    expect((await t.api(staff).get(`/consents/${k.body.id}`).expect(200)).body.status).toBe('granted');
  });

  it('should validate consent bodies and references', async () => {
    const c = await contact();
    await t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'telepathy', noticeVersion: 'v1' }).expect(400);
    await t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'paper', noticeVersion: 'v1', colour: 'red' }).expect(400);
    await t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'no-such-purpose', method: 'paper', noticeVersion: 'v1' }).expect(404);
    await t.api(staff).post(`/contacts/00000000-0000-4000-8000-000000000000/consents`, { purpose: 'newsletter', method: 'paper', noticeVersion: 'v1' }).expect(404);
    await t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'paper', noticeVersion: 'v1', obtainedAt: '2024-01-02T00:00:00Z', expiresAt: '2024-01-01T00:00:00Z' }).expect(400);
    await t.api(integrationA).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'paper', noticeVersion: 'v1' }).expect(403);
    await t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'verbal', noticeVersion: 'v1', interactionId: '00000000-0000-4000-8000-000000000000' }).expect(404);
    await t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'paper', noticeVersion: 'v1', recipientIds: ['00000000-0000-4000-8000-000000000000'] }).expect(404);
  });

  it('should give a consent receipt in ISO/IEC TS 27560 fields with DPV terms', async () => {
    const c = await contact();
    const k = await t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v3' }).expect(201);
    const r = await t.api(compliance).get(`/consents/${k.body.id}/receipt`).expect(200);
    expect(r.body).toMatchObject({ recordId: k.body.id, piiPrincipalId: c, consentState: 'given', consentStatus: 'dpv:ConsentGiven' });
    expect(r.body.purposes[0]).toMatchObject({ purposeId: 'newsletter', lawfulBasis: 'dpv:A6-1-a' });
    await t.api(staff).post(`/consents/${k.body.id}/withdraw`, {}).expect(200);
    expect((await t.api(compliance).get(`/consents/${k.body.id}/receipt`).expect(200)).body.consentState).toBe('withdrawn');
  });

  describe('checks and roles', () => {
    it('should confine an integration key to its own recipient', async () => {
      const c = await contact();
      await check(c, 'newsletter', recipientA, integrationA).expect(200);
      const forbidden = await check(c, 'newsletter', recipientB, integrationA).expect(403);
      expect(forbidden.headers['content-type']).toMatch(/application\/problem\+json/);
      await t.api(integrationA).post('/consent-check', { purpose: 'newsletter', recipientId: recipientB, contactIds: [c] }).expect(403);
      await t.api(integrationA).get(`/contacts/${c}/consents`).expect(403);
    });

    it('should default recipientId to an integration key\'s own recipient, and require it from everyone else', async () => {
      const c = await contact();
      await t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1', recipientIds: [recipientA] }).expect(201);
      const own = await t.api(integrationA).get(`/consent-check?contactId=${c}&purpose=newsletter`).expect(200);
      expect(own.body).toMatchObject({ allowed: true, reason: 'consent_granted' });
      const bulk = await t.api(integrationA).post('/consent-check', { purpose: 'newsletter', contactIds: [c] }).expect(200);
      expect(bulk.body.results[0]).toMatchObject({ contactId: c, allowed: true });
      const missing = await t.api(staff).get(`/consent-check?contactId=${c}&purpose=newsletter`).expect(400);
      expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'recipientId' })]);
    });

    it('should let an integration withdraw only consents covering its recipient', async () => {
      const c = await contact();
      const onlyB = await t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1', recipientIds: [recipientB] }).expect(201);
      const all = await t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1' }).expect(201);
      await t.api(integrationA).post(`/consents/${onlyB.body.id}/withdraw`, {}).expect(403);
      await t.api(integrationA).post(`/consents/${all.body.id}/withdraw`, { reason: 'unsubscribe link' }).expect(200);
    });

    it('should answer 404 problem for an unknown purpose or recipient', async () => {
      const c = await contact();
      const p = await check(c, 'nope', recipientA).expect(404);
      expect(p.headers['content-type']).toMatch(/application\/problem\+json/);
      await check(c, 'newsletter', '00000000-0000-4000-8000-000000000000').expect(404);
      await t.api(staff).post('/consent-check', { purpose: 'nope', recipientId: recipientA, contactIds: [c] }).expect(404);
    });

    it('should answer unknown_contact for unknown ids, in bulk too', async () => {
      const unknown = '00000000-0000-4000-8000-0000000000aa';
      expect((await check(unknown, 'newsletter', recipientA).expect(200)).body).toEqual({ allowed: false, legalBasis: null, consentId: null, reason: 'unknown_contact' });
      const granted = await contact();
      await t.api(staff).post(`/contacts/${granted}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1' }).expect(201);
      const none = await contact();
      const res = await t.api(staff).post('/consent-check', { purpose: 'newsletter', recipientId: recipientA, contactIds: [unknown, granted, none] }).expect(200);
      expect(res.body.results).toEqual([
        { contactId: unknown, allowed: false, legalBasis: null, consentId: null, reason: 'unknown_contact' },
        { contactId: granted, allowed: true, legalBasis: 'consent', consentId: expect.any(String), reason: 'consent_granted' },
        { contactId: none, allowed: false, legalBasis: null, consentId: null, reason: 'no_consent' },
      ]);
    });

    it('should answer contact_erased for an erased contact', async () => {
      const c = await contact();
      await t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1' }).expect(201);
      await t.sql(`UPDATE contacts SET erased_at = now() WHERE id = $1`, [c]);
      expect((await check(c, 'crm-sync', recipientA).expect(200)).body.reason).toBe('contact_erased');
      expect((await check(c, 'newsletter', recipientA).expect(200)).body.reason).toBe('contact_erased');
    });

    it('should check 10,000 ids in one request', async () => {
      const ids = Array.from({ length: 10_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
      const res = await t.api(staff).post('/consent-check', { purpose: 'newsletter', recipientId: recipientA, contactIds: ids }).expect(200);
      expect(res.body.results).toHaveLength(10_000);
      expect(res.body.results.every((r: { reason: string }) => r.reason === 'unknown_contact')).toBe(true);
      await t.api(staff).post('/consent-check', { purpose: 'newsletter', recipientId: recipientA, contactIds: [...ids, '00000000-0000-4000-8000-100000000000'] }).expect(400);
      const bad = await t.api(staff).post('/consent-check', { purpose: 'newsletter', recipientId: recipientA, contactIds: [ids[0], 'not-a-uuid'] }).expect(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'contactIds' })]);
      await check('not-a-uuid', 'newsletter', recipientA).expect(400);
    });

    it('should give the same decision through the single and the bulk check', async () => {
      const granted = await contact();
      await t.api(staff).post(`/contacts/${granted}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1' }).expect(201);
      const scoped = await contact();
      await t.api(staff).post(`/contacts/${scoped}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1', recipientIds: [recipientB] }).expect(201);
      const withdrawn = await contact();
      const w = await t.api(staff).post(`/contacts/${withdrawn}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1' }).expect(201);
      await t.api(staff).post(`/consents/${w.body.id}/withdraw`, {}).expect(200);
      const objected = await contact();
      await t.api(staff).post(`/contacts/${objected}/objections`, { purpose: 'crm-sync' }).expect(201);
      const ids = [granted, scoped, withdrawn, objected, await contact(), '00000000-0000-4000-8000-00000000abcd'];
      for (const purpose of ['newsletter', 'crm-sync']) {
        const bulk = await t.api(staff).post('/consent-check', { purpose, recipientId: recipientA, contactIds: ids }).expect(200);
        for (const [i, id] of ids.entries()) {
          const one = await check(id, purpose, recipientA).expect(200);
          expect({ contactId: id, ...one.body }).toEqual(bulk.body.results[i]);
        }
      }
    });

    it('should answer in bulk, in the order given, what the single check answers, whatever the consents and the contact', async () => {
      const give = (c: string, extra: Record<string, unknown> = {}) =>
        t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1', ...extra }).expect(201);
      const pending = await contact();
      await give(pending, { method: 'email_double_opt_in', confirmed: false });
      const expired = await contact();
      await give(expired, { obtainedAt: '2020-01-01T00:00:00.123456Z', expiresAt: '2021-01-01T00:00:00.000999Z' });
      // Two live consents: the newer one is the answer's consentId.
      const twoLive = await contact();
      await give(twoLive, { obtainedAt: '2024-01-01T00:00:00Z' });
      const newer = (await give(twoLive, { obtainedAt: '2025-01-01T00:00:00.000500Z' })).body.id;
      // Granted for another recipient only, withdrawn for everyone: withdrawn wins over not covered.
      const mixed = await contact();
      await give(mixed, { recipientIds: [recipientB] });
      await t.api(staff).post(`/consents/${(await give(mixed)).body.id}/withdraw`, {}).expect(200);
      const onlyB = await contact();
      await give(onlyB, { recipientIds: [recipientB] });
      const forA = await contact();
      await give(forA, { recipientIds: [recipientB, recipientA], expiresAt: '2099-01-01T00:00:00Z' });
      const expiredAndPending = await contact();
      await give(expiredAndPending, { obtainedAt: '2020-01-01T00:00:00Z', expiresAt: '2021-01-01T00:00:00Z' });
      await give(expiredAndPending, { method: 'email_double_opt_in', confirmed: false });
      const objected = await contact();
      await give(objected);
      await t.api(staff).post(`/contacts/${objected}/objections`, { purpose: 'newsletter' }).expect(201);
      const erased = await contact();
      await give(erased);
      await t.sql(`UPDATE contacts SET erased_at = now() WHERE id = $1`, [erased]);
      const unknown = '00000000-0000-4000-8000-00000000beef';
      const ids = [pending, expired, twoLive, mixed, onlyB, forA, expiredAndPending, objected, erased, unknown, await contact()];
      const expected = ['consent_pending', 'consent_expired', 'consent_granted', 'consent_withdrawn', 'recipient_not_covered', 'consent_granted',
        'consent_expired', 'objection', 'contact_erased', 'unknown_contact', 'no_consent'];
      // Repeated ids (in any letter case) are answered once, where they first appear.
      const sent = [...ids.slice(0, 6), ids[2].toUpperCase(), ...ids.slice(6), ids[0], unknown.toUpperCase()];
      for (const purpose of ['newsletter', 'crm-sync']) {
        const bulk = await t.api(staff).post('/consent-check', { purpose, recipientId: recipientA.toUpperCase(), contactIds: sent }).expect(200);
        expect(bulk.body.results.map((r: { contactId: string }) => r.contactId)).toEqual(ids);
        for (const [i, id] of ids.entries()) {
          const one = await check(id, purpose, recipientA).expect(200);
          expect(bulk.body.results[i]).toEqual({ contactId: id, ...one.body });
        }
        if (purpose === 'newsletter') {
          expect(bulk.body.results.map((r: { reason: string }) => r.reason)).toEqual(expected);
          expect(bulk.body.results[2]).toEqual({ contactId: twoLive, allowed: true, legalBasis: 'consent', consentId: newer, reason: 'consent_granted' });
        }
      }
    });

    it('should answer a bulk check as the single checks do, with and without unknown ids', async () => {
      const granted = await contact();
      await t.api(staff).post(`/contacts/${granted}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1' }).expect(201);
      const withdrawn = await contact();
      const w = await t.api(staff).post(`/contacts/${withdrawn}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1' }).expect(201);
      await t.api(staff).post(`/consents/${w.body.id}/withdraw`, {}).expect(200);
      const objected = await contact();
      await t.api(staff).post(`/contacts/${objected}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1' }).expect(201);
      await t.api(staff).post(`/contacts/${objected}/objections`, { purpose: 'newsletter' }).expect(201);
      const erased = await contact();
      await t.sql(`UPDATE contacts SET erased_at = now() WHERE id = $1`, [erased]);
      const unknown = '00000000-0000-4000-8000-00000000cafe';
      const all = [granted, withdrawn, objected, erased, unknown, await contact()];
      const bulk = async (ids: string[]) =>
        (await t.api(staff).post('/consent-check', { purpose: 'newsletter', recipientId: recipientA, contactIds: ids }).expect(200)).body.results;
      // With and without an unknown id (the contacts found are then as many as the ids: no difference computed).
      for (const ids of [all, all.slice(0, 4)]) {
        const singles = [];
        for (const id of ids) singles.push({ contactId: id, ...(await check(id, 'newsletter', recipientA).expect(200)).body });
        expect(await bulk(ids)).toEqual(singles);
      }
      expect((await bulk(all)).map((r: { reason: string }) => r.reason)).toEqual([
        'consent_granted', 'consent_withdrawn', 'objection', 'contact_erased', 'unknown_contact', 'no_consent',
      ]);
    });

    it('should answer in bulk what the single check answers for the edge values of a consent row', async () => {
      const give = async (c: string, set: string) => {
        const id = (await t.api(staff).post(`/contacts/${c}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1' }).expect(201)).body.id;
        await t.sql(`UPDATE consents SET ${set} WHERE id = $1`, [id]);
        return id;
      };
      // An empty recipient list (every recipient, as null), times before 1970 and at infinity, a sub-millisecond tie.
      const emptyList = await contact();
      await give(emptyList, `recipient_ids = '{}'`);
      const old = await contact();
      await give(old, `obtained_at = '1969-12-31T23:59:59.9995Z', expires_at = '1969-12-31T23:59:59.9999Z'`);
      const forever = await contact();
      await give(forever, `expires_at = 'infinity'`);
      const fromEver = await contact();
      await give(fromEver, `obtained_at = '-infinity'`);
      const tie = await contact();
      await give(tie, `obtained_at = '2024-01-01T00:00:00.0001Z'`);
      await give(tie, `obtained_at = '2024-01-01T00:00:00.0009Z', recipient_ids = ARRAY['${recipientB}', '${recipientA}']::uuid[]`);
      const ids = [emptyList, old, forever, fromEver, tie];
      const bulk = (await t.api(staff).post('/consent-check', { purpose: 'newsletter', recipientId: recipientA, contactIds: ids }).expect(200)).body.results;
      for (const [i, id] of ids.entries()) expect(bulk[i]).toEqual({ contactId: id, ...(await check(id, 'newsletter', recipientA).expect(200)).body });
      expect(bulk.map((r: { reason: string }) => r.reason)).toEqual(['consent_granted', 'consent_expired', 'consent_granted', 'consent_granted', 'consent_granted']);
    });

    it('should refuse unauthenticated checks', async () => {
      await t.request().get(`/api/v1/consent-check?contactId=${recipientA}&purpose=newsletter&recipientId=${recipientA}`).expect(401);
    });
  });
});
