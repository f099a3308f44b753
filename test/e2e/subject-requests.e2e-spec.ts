import type { Response } from 'superagent';
import { extractText, getDocumentProxy } from 'unpdf';
import { createTestApp, TestApp } from '../setup/test-app.js';

const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
};
const pdfText = async (buf: Buffer) => (await extractText(await getDocumentProxy(new Uint8Array(buf)), { mergePages: true })).text as string;

describe('Data-subject requests, and exports and erasures that answer them', () => {
  let t: TestApp;
  let compliance: string;
  let staff: string;
  let integration: string;

  const contact = async (given: string, family = 'Muster') => {
    const res = await t
      .api(t.adminKey)
      .post('/contacts', { givenName: given, familyName: family, emails: [{ address: `${given.toLowerCase().replace(/[^a-z]/g, '')}-${Date.now()}@example.org` }] })
      .expect(201);
    return res.body.id as string;
  };
  const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

  beforeAll(async () => {
    t = await createTestApp();
    compliance = await t.createKey('compliance');
    staff = await t.createKey('staff');
    const tool = await t.api(t.adminKey).post('/recipients', { name: 'CRM sync', kind: 'internal_tool' }).expect(201);
    integration = await t.createKey('integration', { recipientId: tool.body.id });
  });
  afterAll(async () => {
    await t.close();
  });

  it('should register a request due one calendar month after receipt, clamped to the month end', async () => {
    const res = await t.api(compliance).post('/subject-requests', { kind: 'access', receivedAt: '2026-01-31T09:00:00.000Z', channel: 'email' }).expect(201);
    expect(res.body).toMatchObject({ id: expect.any(String), status: 'open', receivedAt: '2026-01-31T09:00:00.000Z', dueAt: '2026-02-28T09:00:00.000Z' });
    const mid = await t.api(compliance).post('/subject-requests', { kind: 'erasure', receivedAt: '2026-10-15T12:00:00.000Z' }).expect(201);
    expect(mid.body.dueAt).toBe('2026-11-15T12:00:00.000Z');
    const now = await t.api(t.adminKey).post('/subject-requests', { kind: 'objection' }).expect(201);
    expect(Math.abs(new Date(now.body.receivedAt).getTime() - Date.now())).toBeLessThan(60_000);
    const got = await t.api(compliance).get(`/subject-requests/${res.body.id}`).expect(200);
    expect(got.body).toMatchObject({ id: res.body.id, kind: 'access', channel: 'email', contactId: null, overdue: true });
  });

  it('should reject bad input with problems, never a 500', async () => {
    await t.api(compliance).post('/subject-requests', { kind: 'gossip' }).expect(400);
    await t.api(compliance).post('/subject-requests', {}).expect(400);
    await t.api(compliance).post('/subject-requests', { kind: 'access', receivedAt: 'yesterday' }).expect(400);
    await t.api(compliance).post('/subject-requests', { kind: 'access', receivedAt: '0000-01-01T00:00:00Z' }).expect(400);
    await t.api(compliance).post('/subject-requests', { kind: 'access', receivedAt: '2026-02-30T00:00:00Z' }).expect(400);
    await t.api(compliance).post('/subject-requests', { kind: 'access', receivedAt: new Date(Date.now() + 5 * 86_400_000).toISOString() }).expect(400);
    await t.api(compliance).post('/subject-requests', { kind: 'access', unknown: 1 }).expect(400);
    const missing = await t.api(compliance).post('/subject-requests', { kind: 'access', contactId: '00000000-0000-4000-8000-000000000000' }).expect(404);
    expect(missing.headers['content-type']).toMatch(/problem\+json/);
    await t.api(compliance).get('/subject-requests/00000000-0000-4000-8000-000000000000').expect(404);
    await t.api(compliance).patch('/subject-requests/00000000-0000-4000-8000-000000000000', { status: 'done' }).expect(404);
    await t.api(compliance).get('/subject-requests?dueWithinDays=-1').expect(400);
    await t.api(compliance).get('/subject-requests?status=closed').expect(400);
  });

  it('should extend once by two further months (a second extension is a 409) and close', async () => {
    const r = await t.api(compliance).post('/subject-requests', { kind: 'portability', receivedAt: '2026-01-31T09:00:00.000Z' }).expect(201);
    const ext = await t.api(compliance).patch(`/subject-requests/${r.body.id}`, { status: 'extended', note: 'complex request' }).expect(200);
    expect(ext.body).toMatchObject({ status: 'extended', dueAt: '2026-04-28T09:00:00.000Z', note: 'complex request', extendedAt: expect.any(String) });
    const again = await t.api(compliance).patch(`/subject-requests/${r.body.id}`, { status: 'extended' }).expect(409);
    expect(again.body.code).toBe('ALREADY_EXTENDED');
    const done = await t.api(compliance).patch(`/subject-requests/${r.body.id}`, { status: 'done' }).expect(200);
    expect(done.body).toMatchObject({ status: 'done', dueAt: '2026-04-28T09:00:00.000Z', answeredWith: 'manual', closedAt: expect.any(String), overdue: false });
    await t.api(compliance).patch(`/subject-requests/${r.body.id}`, { status: 'open' }).expect(200);
    await t.api(compliance).patch(`/subject-requests/${r.body.id}`, { status: 'extended' }).expect(409);
    await t.api(compliance).patch(`/subject-requests/${r.body.id}`, { status: 'nope' }).expect(400);
    await t.api(compliance).patch(`/subject-requests/${r.body.id}`, {}).expect(400);
    const audit = await t.api(compliance).get(`/audit-events?entityType=subject_request&entityId=${r.body.id}`).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual(['create', 'update', 'update', 'update']);
  });

  it('should filter by status, kind, overdue and the due-within reminder', async () => {
    const soon = await t.api(compliance).post('/subject-requests', { kind: 'rectification', receivedAt: daysAgo(26) }).expect(201);
    const later = await t.api(compliance).post('/subject-requests', { kind: 'rectification', receivedAt: daysAgo(1) }).expect(201);
    const late = await t.api(compliance).post('/subject-requests', { kind: 'rectification', receivedAt: daysAgo(40) }).expect(201);
    const answered = await t.api(compliance).post('/subject-requests', { kind: 'rectification', receivedAt: daysAgo(27) }).expect(201);
    await t.api(compliance).patch(`/subject-requests/${answered.body.id}`, { status: 'done' }).expect(200);
    const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((i) => i.id);

    const reminder = await t.api(compliance).get('/subject-requests?dueWithinDays=7&kind=rectification').expect(200);
    expect(ids(reminder)).toContain(soon.body.id);
    expect(ids(reminder)).not.toContain(later.body.id);
    expect(ids(reminder)).not.toContain(answered.body.id);
    const overdue = await t.api(compliance).get('/subject-requests?overdue=true&kind=rectification').expect(200);
    expect(ids(overdue)).toEqual([late.body.id]);
    expect(overdue.body.items[0].overdue).toBe(true);
    const done = await t.api(compliance).get('/subject-requests?status=done&kind=rectification').expect(200);
    expect(ids(done)).toEqual([answered.body.id]);
    const all = await t.api(compliance).get('/subject-requests?kind=rectification&limit=2').expect(200);
    expect(all.body.items).toHaveLength(2);
    expect(all.body.items[0].id).toBe(late.body.id); // most urgent first
    const next = await t.api(compliance).get(`/subject-requests?kind=rectification&limit=2&cursor=${all.body.nextCursor}`).expect(200);
    expect([...ids(all), ...ids(next)].sort()).toEqual([soon.body.id, later.body.id, late.body.id, answered.body.id].sort());
  });

  it('should be for admin and compliance only', async () => {
    const r = await t.api(compliance).post('/subject-requests', { kind: 'access' }).expect(201);
    for (const key of [staff, integration]) {
      await t.api(key).post('/subject-requests', { kind: 'access' }).expect(403);
      await t.api(key).get('/subject-requests').expect(403);
      await t.api(key).get(`/subject-requests/${r.body.id}`).expect(403);
      await t.api(key).patch(`/subject-requests/${r.body.id}`, { status: 'done' }).expect(403);
    }
    await t.request().get('/api/v1/subject-requests').expect(401);
  });

  it('should close the request an export names, and refuse a request of another contact', async () => {
    const id = await contact('Ida');
    const other = await contact('Otto');
    const r = await t.api(compliance).post('/subject-requests', { kind: 'access', contactId: id }).expect(201);
    const foreign = await t.api(compliance).post('/subject-requests', { kind: 'access', contactId: other }).expect(201);
    const mismatch = await t.api(compliance).get(`/contacts/${id}/export?requestId=${foreign.body.id}`).expect(409);
    expect(mismatch.body.code).toBe('SUBJECT_REQUEST_CONTACT_MISMATCH');
    const unknown = await t.api(compliance).get(`/contacts/${id}/export?requestId=00000000-0000-4000-8000-000000000000`).expect(404);
    expect(unknown.body.code).toBe('SUBJECT_REQUEST_NOT_FOUND');
    await t.api(compliance).get(`/contacts/${id}/export?requestId=not-a-uuid`).expect(400);
    expect((await t.api(compliance).get(`/subject-requests/${foreign.body.id}`).expect(200)).body.status).toBe('open');

    const res = await t.api(compliance).get(`/contacts/${id}/export?requestId=${r.body.id}`).expect(200);
    expect(res.body.other.subject_requests).toEqual([expect.objectContaining({ id: r.body.id, status: 'done', answeredWith: 'export' })]);
    const after = await t.api(compliance).get(`/subject-requests/${r.body.id}`).expect(200);
    expect(after.body).toMatchObject({ status: 'done', answeredWith: 'export', closedAt: expect.any(String) });

    // A request logged before the person was identified is linked to the contact the export answers.
    const anonymous = await t.api(compliance).post('/subject-requests', { kind: 'portability' }).expect(201);
    await t.api(compliance).get(`/contacts/${id}/export?requestId=${anonymous.body.id}`).expect(200);
    expect((await t.api(compliance).get(`/subject-requests/${anonymous.body.id}`).expect(200)).body).toMatchObject({ contactId: id, status: 'done' });
    const rejected = await t.api(compliance).post('/subject-requests', { kind: 'access', contactId: id }).expect(201);
    await t.api(compliance).patch(`/subject-requests/${rejected.body.id}`, { status: 'rejected', note: 'identity not verified' }).expect(200);
    expect((await t.api(compliance).get(`/contacts/${id}/export?requestId=${rejected.body.id}`).expect(409)).body.code).toBe('SUBJECT_REQUEST_CLOSED');
  });

  it('should close the request an erasure names; the erase body may be empty or absent', async () => {
    const id = await contact('Erik');
    const r = await t.api(compliance).post('/subject-requests', { kind: 'erasure', contactId: id, note: 'Erik Muster asked by phone' }).expect(201);
    const other = await contact('Olga');
    const foreign = await t.api(compliance).post('/subject-requests', { kind: 'erasure', contactId: other }).expect(201);
    await t.api(compliance).post(`/contacts/${id}/erase`, { requestId: foreign.body.id }).expect(409);
    await t.api(compliance).post(`/contacts/${id}/erase`, { requestId: '00000000-0000-4000-8000-000000000000' }).expect(404);
    await t.api(compliance).post(`/contacts/${id}/erase`, { requestId: 'x' }).expect(400);
    await t.api(compliance).post(`/contacts/${id}/erase`, { requestId: r.body.id, extra: true }).expect(400);
    expect((await t.api(compliance).get(`/contacts/${id}/export`).expect(200)).body.profile.erasedAt).toBeNull();

    const erased = await t.api(compliance).post(`/contacts/${id}/erase`, { requestId: r.body.id }).expect(200);
    expect(erased.body).toMatchObject({ contactId: id, alreadyErased: false });
    const after = await t.api(compliance).get(`/subject-requests/${r.body.id}`).expect(200);
    // Kept as proof of the answer, without its free text (which named the person).
    expect(after.body).toMatchObject({ status: 'done', answeredWith: 'erasure', kind: 'erasure', contactId: id, note: null, channel: null });

    // No body at all, and an empty JSON body, keep working.
    const plain = await contact('Paul');
    await t.request().post(`/api/v1/contacts/${plain}/erase`).set('X-API-Key', compliance).expect(200);
    const empty = await contact('Petra');
    await t
      .request()
      .post(`/api/v1/contacts/${empty}/erase`)
      .set('X-API-Key', compliance)
      .set('Content-Type', 'application/json')
      .expect(200);
    await t.api(compliance).post(`/contacts/${empty}/erase`, {}).expect(200);
  });

  it('should move requests on merge', async () => {
    const keep = await contact('Mara');
    const dup = await contact('Mara2');
    const r = await t.api(compliance).post('/subject-requests', { kind: 'access', contactId: dup }).expect(201);
    await t.api(t.adminKey).post(`/contacts/${keep}/merge`, { duplicateId: dup }).expect(200);
    expect((await t.api(compliance).get(`/subject-requests/${r.body.id}`).expect(200)).body.contactId).toBe(keep);
    const list = await t.api(compliance).get(`/subject-requests?contactId=${keep}`).expect(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([r.body.id]);
  });

  it('should export a readable PDF with non-Latin names, purposes with basis and retention, and recipients', async () => {
    const id = await contact('Ørsted Ζωή', '山田');
    await t
      .api(t.adminKey)
      .post('/purposes', { key: 'alumni-news', name: 'Alumni newsletter', description: 'News for alumni', legalBasis: 'consent', dataCategories: ['givenName', 'familyName'], retentionDays: 365 })
      .expect(201);
    const recipient = await t.api(t.adminKey).post('/recipients', { name: 'Mailer Partner GmbH', kind: 'partner_organisation' }).expect(201);
    await t.api(staff).post(`/contacts/${id}/consents`, { purpose: 'alumni-news', method: 'web_form', noticeVersion: 'v1' }).expect(201);
    await t.api(t.adminKey).post('/disclosures', { purpose: 'alumni-news', recipientId: recipient.body.id, contactIds: [id] }).expect(201);
    const r = await t.api(compliance).post('/subject-requests', { kind: 'access', contactId: id }).expect(201);

    const json = await t.api(compliance).get(`/contacts/${id}/export`).expect(200);
    expect(json.body.purposes).toEqual([
      expect.objectContaining({ key: 'alumni-news', name: 'Alumni newsletter', legalBasis: 'consent', retentionDays: 365 }),
    ]);
    expect(json.body.disclosures).toEqual([
      expect.objectContaining({ recipientName: 'Mailer Partner GmbH', purpose: 'alumni-news', allowed: true, fields: expect.arrayContaining(['givenName']) }),
    ]);
    expect(json.body.bases).toEqual(expect.any(Array));

    const pdf = await t.api(compliance).get(`/contacts/${id}/export?requestId=${r.body.id}`).set('Accept', 'application/pdf').buffer(true).parse(binary).expect(200);
    expect(pdf.headers['content-type']).toMatch(/^application\/pdf/);
    const body = pdf.body as Buffer;
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(body);
    expect(text).toContain('Ørsted Ζωή 山田');
    expect(text).toContain('Alumni newsletter');
    expect(text).toMatch(/Legal basis: consent/);
    expect(text).toMatch(/Retention days: 365/);
    expect(text).toContain('Mailer Partner GmbH');
    expect(text).toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    expect((await t.api(compliance).get(`/subject-requests/${r.body.id}`).expect(200)).body.status).toBe('done');

    const viaQuery = await t.api(compliance).get(`/contacts/${id}/export?format=pdf`).buffer(true).parse(binary).expect(200);
    expect(viaQuery.headers['content-type']).toMatch(/^application\/pdf/);
    expect(await pdfText(viaQuery.body as Buffer)).toContain('山田');
    const explicitJson = await t.api(compliance).get(`/contacts/${id}/export?format=json`).set('Accept', 'application/pdf').expect(200);
    expect(explicitJson.body.contactId).toBe(id);
    await t.api(compliance).get(`/contacts/${id}/export?format=docx`).expect(400);
    await t.api(staff).get(`/contacts/${id}/export?format=pdf`).expect(403);
    await t.api(integration).get(`/contacts/${id}/export`).expect(403);
  });

  it('should show shared interactions without the summary about others, and solo ones whole', async () => {
    const me = await contact('Selma');
    const someone = await contact('Sven');
    const shared = await t
      .api(staff)
      .post('/interactions', { type: 'meeting', occurredAt: '2026-11-02T10:00:00Z', summary: 'Sven told us about his divorce', contactIds: [me, someone] })
      .expect(201);
    const solo = await t.api(staff).post('/interactions', { type: 'call', occurredAt: '2026-11-03T10:00:00Z', summary: 'Selma wants the brochure', contactIds: [me] }).expect(201);
    const res = await t.api(compliance).get(`/contacts/${me}/export`).expect(200);
    const byId = new Map(res.body.interactions.map((i: { id: string }) => [i.id, i]));
    expect(byId.get(shared.body.id)).toMatchObject({ type: 'meeting', occurredAt: '2026-11-02T10:00:00.000Z', summary: null, summaryWithheld: 'shared_with_other_contacts' });
    expect(byId.get(solo.body.id)).toMatchObject({ type: 'call', summary: 'Selma wants the brochure' });
    expect(JSON.stringify(res.body)).not.toContain('divorce');
    const pdf = await t.api(compliance).get(`/contacts/${me}/export?format=pdf`).buffer(true).parse(binary).expect(200);
    const text = await pdfText(pdf.body as Buffer);
    expect(text).not.toContain('divorce');
    expect(text).toContain('Selma wants the brochure');
  });
});
