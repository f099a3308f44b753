import { createTestApp, TestApp } from '../setup/test-app.js';

/**
 * Report figures against a small hand-counted fixture (its own database, DORMANT_DAYS=100).
 *
 * Interactions:            follow-ups:
 *  I1 2026-01-10 meeting give     c1        F1 alice due 01-15, done 01-14 (on time)
 *  I2 2026-01-20 call    give     c1,c2     F2 bob   due 01-25, done 01-30 (late)
 *  I3 2026-02-05 email   exchange c3 +Net   (by bob)
 *  I4 2026-02-14 meeting ask      c3 @event F4 bob   due 02-20, open (overdue)   (by bob)
 *  I5 2026-03-01 meeting —        c4        F5 alice due 2099, open
 *  I6 10 days ago message give    c2        F7 bob   c3 on its own, due 02-01, open (overdue)
 *                                           F8 alice c4 on its own, cancelled
 */
describe('Engagement reports (issue 4)', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);

  const insert = async (sql: string, params: unknown[]) => (await t.sql<{ id: string }>(`${sql} RETURNING id`, params))[0].id;

  beforeAll(async () => {
    t = await createTestApp({ env: { DORMANT_DAYS: '100' } });
    for (const name of ['Alice', 'Bob']) {
      const u = await t.api().post('/users', { name, email: `${name}@example.test`, role: 'staff' }).expect(201);
      ids[name] = u.body.id;
      ids[`${name}Key`] = await t.createKey('staff', { userId: u.body.id });
    }
    ids.acme = await insert(`INSERT INTO organisations (name, kind) VALUES ('Acme', 'company')`, []);
    ids.globex = await insert(`INSERT INTO organisations (name, kind) VALUES ('Globex', 'company')`, []);
    ids.net = await insert(`INSERT INTO organisations (name, kind) VALUES ('Cluster', 'network')`, []);
    const contact = (given: string, org: string | null, owner: string | null) =>
      insert('INSERT INTO contacts (given_name, family_name, organisation_id, owner_id) VALUES ($1, $2, $3, $4)', [given, 'X', org, owner]);
    ids.c1 = await contact('C1', ids.acme, ids.Alice);
    ids.c2 = await contact('C2', ids.acme, ids.Alice);
    ids.c3 = await contact('C3', ids.globex, ids.Bob);
    ids.c4 = await contact('C4', null, ids.Bob);
    ids.c5 = await contact('C5', null, null);
    await t.api(ids.AliceKey).post(`/organisations/${ids.net}/memberships`, { memberOrganisationId: ids.acme }).expect(201);
    const event = await t.api(ids.BobKey).post('/events', { name: 'Fair', startsAt: '2026-02-14T08:00:00Z', representativeIds: [ids.Bob] }).expect(201);
    ids.event = event.body.id;

    const log = async (key: string, body: Record<string, unknown>) =>
      (await t.api(key).post('/interactions', { summary: 's', ...body }).expect(201)).body as { id: string; followUps: { id: string }[] };
    const i1 = await log(ids.AliceKey, { type: 'meeting', occurredAt: '2026-01-10T10:00:00Z', reciprocity: 'give', contactIds: [ids.c1], followUp: { dueAt: '2026-01-15T10:00:00Z' } });
    const i2 = await log(ids.AliceKey, { type: 'call', occurredAt: '2026-01-20T10:00:00Z', reciprocity: 'give', contactIds: [ids.c1, ids.c2], followUp: { dueAt: '2026-01-25T10:00:00Z', assigneeId: ids.Bob } });
    await log(ids.BobKey, { type: 'email', occurredAt: '2026-02-05T10:00:00Z', reciprocity: 'exchange', contactIds: [ids.c3], organisationIds: [ids.net] });
    await log(ids.BobKey, { type: 'meeting', occurredAt: '2026-02-14T10:00:00Z', reciprocity: 'ask', contactIds: [ids.c3], eventId: ids.event, followUp: { dueAt: '2026-02-20T10:00:00Z' } });
    await log(ids.AliceKey, { type: 'meeting', occurredAt: '2026-03-01T10:00:00Z', contactIds: [ids.c4], followUp: { dueAt: '2099-01-01T10:00:00Z' } });
    await log(ids.AliceKey, { type: 'message', occurredAt: tenDaysAgo.toISOString(), reciprocity: 'give', contactIds: [ids.c2] });
    await t.api(ids.BobKey).post('/follow-ups', { contactId: ids.c3, dueAt: '2026-02-01T10:00:00Z' }).expect(201);
    const f8 = await t.api(ids.AliceKey).post('/follow-ups', { contactId: ids.c4, dueAt: '2026-03-10T10:00:00Z' }).expect(201);
    await t.api(ids.AliceKey).patch(`/follow-ups/${f8.body.id}`, { status: 'cancelled' }).expect(200);
    const done = (id: string, at: string) =>
      t.sql(`UPDATE follow_ups SET status = 'done', completed_at = $2, completed_by = 'fixture' WHERE id = $1`, [id, at]);
    await done(i1.followUps[0].id, '2026-01-14T10:00:00Z');
    await done(i2.followUps[0].id, '2026-01-30T10:00:00Z');
  });
  afterAll(async () => {
    await t.close();
  });

  it('should count follow-ups open, overdue, done on time and late, per assignee and per event', async () => {
    const complianceKey = await t.createKey('compliance');
    const res = await t.api(complianceKey).get('/reports/follow-ups').expect(200);
    expect(res.body).toMatchObject({ open: 3, overdue: 2, doneOnTime: 1, doneLate: 1, cancelled: 1, total: 6, onTimeRate: 0.5 });
    const byAssignee = Object.fromEntries(res.body.byAssignee.map((a: { assigneeName: string }) => [a.assigneeName, a]));
    expect(byAssignee.Alice).toMatchObject({ assigneeId: ids.Alice, open: 1, overdue: 0, doneOnTime: 1, doneLate: 0, cancelled: 1, total: 3 });
    expect(byAssignee.Bob).toMatchObject({ assigneeId: ids.Bob, open: 2, overdue: 2, doneOnTime: 0, doneLate: 1, cancelled: 0, total: 3 });
    expect(res.body.byEvent).toEqual([expect.objectContaining({ eventId: ids.event, eventName: 'Fair', open: 1, overdue: 1, total: 1 })]);
    const windowed = await t.api(complianceKey).get('/reports/follow-ups?from=2026-02-01T00:00:00Z&to=2026-03-01T00:00:00Z').expect(200);
    expect(windowed.body).toMatchObject({ open: 2, overdue: 2, total: 2 });
  });

  it('should report interactions per month and type, and the reciprocity mix against 70/20/10', async () => {
    const res = await t.api(ids.AliceKey).get('/reports/network').expect(200);
    const month = tenDaysAgo.toISOString().slice(0, 7);
    expect(res.body.interactionsPerMonth).toEqual([
      { month: '2026-01', total: 2, byType: { call: 1, meeting: 1 } },
      { month: '2026-02', total: 2, byType: { email: 1, meeting: 1 } },
      { month: '2026-03', total: 1, byType: { meeting: 1 } },
      { month, total: 1, byType: { message: 1 } },
    ]);
    expect(res.body.reciprocity).toEqual({
      give: 3,
      exchange: 1,
      ask: 1,
      unspecified: 1,
      share: { give: 0.6, exchange: 0.2, ask: 0.2 },
      target: { give: 0.7, exchange: 0.2, ask: 0.1 },
      deviation: { give: -0.1, exchange: 0, ask: 0.1 },
    });
  });

  it('should count dormant relationships (DORMANT_DAYS) by owner and by staff member', async () => {
    const { dormant } = (await t.api(ids.AliceKey).get('/reports/network').expect(200)).body;
    expect(dormant.days).toBe(100);
    expect(dormant.total).toBe(3);
    const byOwner = Object.fromEntries(dormant.byOwner.map((o: { ownerName: string | null }) => [o.ownerName ?? 'none', o]));
    expect(byOwner.Alice).toMatchObject({ contacts: 2, dormant: 1, neverInteracted: 0 });
    expect(byOwner.Bob).toMatchObject({ contacts: 2, dormant: 2, neverInteracted: 0 });
    expect(byOwner.none).toMatchObject({ ownerId: null, contacts: 1, dormant: 0, neverInteracted: 1 });
    const byStaff = Object.fromEntries(dormant.byStaff.map((s: { name: string }) => [s.name, s]));
    expect(byStaff.Alice).toMatchObject({ relationships: 3, dormant: 2 });
    expect(byStaff.Bob).toMatchObject({ relationships: 1, dormant: 1 });
  });

  it('should rank the most active organisations and networks', async () => {
    const res = await t.api(ids.AliceKey).get('/reports/network').expect(200);
    expect(res.body.mostActiveOrganisations.map((o: { name: string; interactions: number }) => [o.name, o.interactions])).toEqual([
      ['Acme', 3],
      ['Globex', 2],
      ['Cluster', 1],
    ]);
    // The network's own interaction (I3) plus those with its member Acme's people (I1, I2, I6).
    expect(res.body.mostActiveNetworks).toEqual([expect.objectContaining({ organisationId: ids.net, name: 'Cluster', interactions: 4 })]);
  });

  it('should narrow the network report to a time window', async () => {
    const res = await t.api(ids.AliceKey).get('/reports/network?from=2026-02-01T00:00:00Z&to=2026-03-01T00:00:00Z').expect(200);
    expect(res.body.interactionsPerMonth).toEqual([{ month: '2026-02', total: 2, byType: { email: 1, meeting: 1 } }]);
    expect(res.body.reciprocity).toMatchObject({ give: 0, exchange: 1, ask: 1, unspecified: 0 });
    await t.api(ids.AliceKey).get('/reports/network?from=yesterday').expect(400);
  });

  it('should be closed to integrations and open to compliance; the follow-up report is closed to staff (API.md: Compliance section)', async () => {
    const c = await t.createKey('compliance');
    await t.api(c).get('/reports/follow-ups').expect(200);
    await t.api(ids.BobKey).get('/reports/follow-ups').expect(403);
    await t.request().get('/api/v1/reports/network').expect(401);
  });
});
