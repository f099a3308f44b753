import { createTestApp, TestApp } from '../setup/test-app.js';

/** A recipient for an integration key, created through the API. */
async function recipientId(t: TestApp): Promise<string> {
  const res = await t.api().post('/recipients', { name: 'HR tool', kind: 'internal_tool' }).expect(201);
  return res.body.id as string;
}

describe('Organisations', () => {
  let t: TestApp;
  let staff: string;
  let compliance: string;
  let integration: string;

  beforeAll(async () => {
    t = await createTestApp();
    staff = await t.createKey('staff');
    compliance = await t.createKey('compliance');
    integration = await t.createKey('integration', { recipientId: await recipientId(t) });
  });
  afterAll(async () => {
    await t.close();
  });

  it('should create, read, update with If-Match and archive an organisation', async () => {
    const created = await t
      .api(staff)
      .post('/organisations', {
        name: 'Fraunhofer Institut',
        kind: 'university',
        website: 'https://www.fraunhofer.de',
        tags: ['research'],
        emailDomains: ['Fraunhofer.de'],
      })
      .expect(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      name: 'Fraunhofer Institut',
      kind: 'university',
      version: 1,
      tags: ['research'],
      emailDomains: ['fraunhofer.de'],
      archivedAt: null,
    });
    expect(created.headers.etag).toBe('"1"');
    const id = created.body.id as string;

    const read = await t.api(compliance).get(`/organisations/${id}`).expect(200);
    expect(read.body.name).toBe('Fraunhofer Institut');

    await t
      .api(staff)
      .patch(`/organisations/${id}`, { name: 'Fraunhofer-Gesellschaft' })
      .set('If-Match', '"7"')
      .expect(412);
    const patched = await t
      .api(staff)
      .patch(`/organisations/${id}`, { name: 'Fraunhofer-Gesellschaft' })
      .set('If-Match', '"1"')
      .expect(200);
    expect(patched.body).toMatchObject({ name: 'Fraunhofer-Gesellschaft', version: 2 });
    expect(patched.headers.etag).toBe('"2"');
    // The same values again are no change: the version (and every client's ETag) stays.
    const same = await t.api(staff).patch(`/organisations/${id}`, { name: 'Fraunhofer-Gesellschaft', tags: patched.body.tags }).expect(200);
    expect(same.body.version).toBe(2);

    await t.api(staff).delete(`/organisations/${id}`).set('If-Match', '"1"').expect(412);
    await t.api(staff).delete(`/organisations/${id}`).set('If-Match', '"2"').expect(204);
    const archived = await t.api(staff).get(`/organisations/${id}`).expect(200);
    expect(archived.body.archivedAt).not.toBeNull();
    const list = await t.api(staff).get('/organisations?limit=200').expect(200);
    expect(list.body.items.map((o: { id: string }) => o.id)).not.toContain(id);
  });

  it('should filter by kind and find by a misspelt name', async () => {
    await t
      .api(staff)
      .post('/organisations', { name: 'Industrie- und Handelskammer Berlin', kind: 'chamber' })
      .expect(201);
    await t.api(staff).post('/organisations', { name: 'Siemens AG', kind: 'company' }).expect(201);
    const chambers = await t.api(staff).get('/organisations?kind=chamber').expect(200);
    expect(chambers.body.items.map((o: { name: string }) => o.name)).toEqual([
      'Industrie- und Handelskammer Berlin',
    ]);
    const found = await t.api(staff).get('/organisations?q=Siemns').expect(200);
    expect(found.body.items[0]?.name).toBe('Siemens AG');
    expect(found.body).toHaveProperty('nextCursor');
    await t.api(staff).get('/organisations?kind=castle').expect(400);
  });

  it('should page through organisations with a cursor', async () => {
    for (let i = 0; i < 3; i++) {
      await t
        .api(staff)
        .post('/organisations', { name: `Paging ${i}`, tags: ['paging'] })
        .expect(201);
    }
    const first = await t.api(staff).get('/organisations?tag=paging&limit=2').expect(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t
      .api(staff)
      .get(`/organisations?tag=paging&limit=2&cursor=${first.body.nextCursor}`)
      .expect(200);
    expect(second.body.items.map((o: { name: string }) => o.name)).toEqual(['Paging 2']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('should refuse a parent cycle with 400', async () => {
    const a = (await t.api(staff).post('/organisations', { name: 'Group' }).expect(201)).body;
    const b = (await t.api(staff).post('/organisations', { name: 'Subsidiary', parentId: a.id }).expect(201))
      .body;
    const c = (
      await t.api(staff).post('/organisations', { name: 'Sub-subsidiary', parentId: b.id }).expect(201)
    ).body;
    const res = await t.api(staff).patch(`/organisations/${a.id}`, { parentId: c.id }).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    await t.api(staff).patch(`/organisations/${a.id}`, { parentId: a.id }).expect(400);
    await t
      .api(staff)
      .post('/organisations', { name: 'Orphan', parentId: '00000000-0000-4000-8000-000000000000' })
      .expect(400);
  });

  it('should keep network fields for networks only', async () => {
    const net = await t
      .api(staff)
      .post('/organisations', {
        name: 'Berlin Tech Circle',
        kind: 'network',
        networkType: 'professional',
        networkGoals: 'Exchange',
        networkRules: 'Chatham House',
      })
      .expect(201);
    expect(net.body).toMatchObject({
      kind: 'network',
      networkType: 'professional',
      networkGoals: 'Exchange',
      networkRules: 'Chatham House',
    });
    await t
      .api(staff)
      .post('/organisations', { name: 'Not a network', kind: 'company', networkType: 'informal' })
      .expect(400);
    await t
      .api(staff)
      .post('/organisations', { name: 'Bad', kind: 'network', networkType: 'secret' })
      .expect(400);
  });

  it('should answer 400 for unknown fields, 404 for unknown ids and 400 for malformed ids', async () => {
    await t.api(staff).post('/organisations', { name: 'X', colour: 'red' }).expect(400);
    await t.api(staff).get('/organisations/00000000-0000-4000-8000-000000000000').expect(404);
    await t.api(staff).get('/organisations/not-a-uuid').expect(400);
  });

  it('should let compliance read but not write, and refuse integrations', async () => {
    await t.api(compliance).get('/organisations').expect(200);
    await t.api(compliance).post('/organisations', { name: 'Nope' }).expect(403);
    const org = (await t.api(staff).post('/organisations', { name: 'Roles Ltd' }).expect(201)).body;
    await t.api(compliance).patch(`/organisations/${org.id}`, { name: 'Nope' }).expect(403);
    await t.api(compliance).delete(`/organisations/${org.id}`).expect(403);
    await t.api(integration).get('/organisations').expect(403);
    await t.api(integration).get(`/organisations/${org.id}`).expect(403);
    await t.api(integration).get(`/organisations/${org.id}/contacts`).expect(403);
    await t.api(integration).post('/organisations', { name: 'Nope' }).expect(403);
    await t.api(integration).patch(`/organisations/${org.id}`, { name: 'Nope' }).expect(403);
    await t.api(integration).delete(`/organisations/${org.id}`).expect(403);
  });

  it('should audit organisation writes', async () => {
    const org = (await t.api(staff).post('/organisations', { name: 'Audited GmbH' }).expect(201)).body;
    const rows = await t.sql<{ action: string }>(
      `SELECT action FROM audit_events WHERE entity_type = 'organisation' AND entity_id = $1`,
      [org.id],
    );
    expect(rows.map((r) => r.action)).toEqual(['create']);
  });
});
