import { createTestApp, TestApp } from '../setup/test-app.js';

describe('Foundation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('should answer /health with 200 while the database is up', async () => {
    const res = await t.request().get('/health').expect(200);
    expect(res.body.status).toBe('ok');
  });

  it('should answer 401 problem+json without credentials', async () => {
    const res = await t.request().get('/api/v1/users').expect(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 401, type: expect.any(String), title: expect.any(String) });
  });

  it('should let the ADMIN_API_KEY create a staff key that works until it is revoked', async () => {
    const created = await t.api().post('/api-keys', { name: 'staff', role: 'staff' }).expect(201);
    expect(created.body.key).toMatch(/^rapk_/);
    const staff = created.body.key as string;
    await t.api(staff).get('/users').expect(403);
    const listed = await t.api().get('/api-keys').expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(staff);
    await t.api().delete(`/api-keys/${created.body.id}`).expect(204);
    await t.api(staff).get('/users').expect(401);
  });
});
