import { createTestApp, TestApp } from '../setup/test-app.js';

/** RATE_LIMIT_PER_MINUTE counts requests per credential (the key or bearer token presented), else per address. */
describe('Rate limiting', () => {
  let t: TestApp;
  let keyA: string;
  let keyB: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
    // The admin key spends two of its three requests here.
    keyA = await t.createKey('compliance');
    keyB = await t.createKey('compliance');
  });
  afterAll(async () => {
    await t.close();
  });

  it('should answer the 4th request of a minute with the same key with 429 problem+json and Retry-After', async () => {
    for (let i = 0; i < 3; i++) {
      const ok = await t.api(keyA).get('/users').expect(200);
      expect(ok.headers['x-ratelimit-limit']).toBe('3');
      expect(ok.headers['x-ratelimit-remaining']).toBe(String(2 - i));
    }
    const res = await t.api(keyA).get('/users');
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 429, code: 'RATE_LIMITED', type: expect.any(String), title: 'Too Many Requests', detail: expect.any(String) });
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Still limited, whatever the route.
    expect((await t.api(keyA).get('/audit-events')).status).toBe(429);
  });

  it('should leave another key unaffected', async () => {
    await t.api(keyB).get('/users').expect(200);
    await t.api(keyB).get('/users').expect(200);
  });

  it('should count the admin key on its own (2 used at set-up: one left, then 429)', async () => {
    await t.api().get('/users').expect(200);
    expect((await t.api().get('/users')).status).toBe(429);
  });

  it('should count requests without credentials per client address', async () => {
    for (let i = 0; i < 3; i++) expect((await t.request().get('/api/v1/users')).status).toBe(401);
    const res = await t.request().get('/api/v1/users');
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBeDefined();
    // Credentials are counted apart from the address.
    await t.api(keyB).get('/users').expect(200);
  });

  it('should never echo the key in the 429 answer', async () => {
    const res = await t.api(keyA).get('/users');
    expect(res.status).toBe(429);
    expect(JSON.stringify(res.body) + JSON.stringify(res.headers)).not.toContain(keyA);
  });
});
