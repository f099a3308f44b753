import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from '../setup/test-app.js';

/**
 * One log stream, and nothing personal or secret in it: the app runs with production logging (pino JSON at
 * debug, the request log on) through a day of calls carrying keys, webhook secrets, names, e-mail addresses and
 * phone numbers in bodies, paths and query strings; then every line is read.
 */
describe('Logs', () => {
  let t: TestApp;
  const secrets: string[] = [];
  const tag = randomUUID().slice(0, 8);
  const person = {
    givenName: `Zoltan${tag}`,
    familyName: `Quixby${tag}`,
    emails: [{ address: `zoltan.${tag}@example.org` }],
    phones: [{ number: '+49 30 98765432' }],
  };

  beforeAll(async () => {
    t = await createTestApp({ captureLogs: true });
    secrets.push(t.adminKey);
    const staff = await t.createKey('staff');
    secrets.push(staff);

    const contact = await t.api(staff).post('/contacts', person).expect(201);
    await t.api(staff).get(`/contacts?q=${encodeURIComponent(person.emails[0].address)}`).expect(200);
    await t.api(staff).get(`/contacts?q=${encodeURIComponent(person.familyName)}`).expect(200);
    await t.api(staff).post('/contacts/search', { q: person.givenName }).expect(200);
    await t.api(staff).patch(`/contacts/${contact.body.id}`, { jobTitle: `Chief ${tag}` }).expect(200);
    // Errors: a validation failure echoing a bad value, an unknown credential, malformed JSON.
    await t.api(staff).post('/contacts', { ...person, emails: [{ address: `not-an-email-${tag}` }] }).expect(400);
    await t.api(`rapk_wrong_${tag}`).get('/contacts').expect(401);
    await t.request().post('/api/v1/contacts').set('X-API-Key', staff).set('Content-Type', 'application/json').send(`{"givenName": "${person.givenName}"`).expect(400);
    const recipient = await t.api().post('/recipients', { name: `HR ${tag}`, kind: 'internal_tool', webhookUrl: 'http://127.0.0.1:9/hook' }).expect(201);
    expect(recipient.body.secret).toMatch(/^whsec_/);
    secrets.push(recipient.body.secret as string);
    const integration = await t.createKey('integration', { recipientId: recipient.body.id });
    secrets.push(integration);
    await t.api().post(`/contacts/${contact.body.id}/erase`).expect(200);
  });
  afterAll(async () => {
    await t.close();
  });

  it('should write every line as one JSON shape (level, time, msg)', () => {
    expect(t.logs.length).toBeGreaterThan(10);
    for (const line of t.logs) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect({ line, level: typeof entry.level, time: typeof entry.time, msg: typeof entry.msg }).toEqual({ line, level: 'number', time: 'string', msg: 'string' });
    }
  });

  it('should log each request with its id, method, path and status', () => {
    const requests = t.logs.map((l) => JSON.parse(l) as { req?: { id: string; method: string; path: string }; res?: { statusCode: number } }).filter((e) => e.req && e.res);
    expect(requests).toContainEqual(expect.objectContaining({ req: expect.objectContaining({ method: 'POST', path: '/api/v1/contacts' }), res: { statusCode: 201 } }));
    expect(requests).toContainEqual(expect.objectContaining({ req: expect.objectContaining({ method: 'GET', path: '/api/v1/contacts' }), res: { statusCode: 200 } }));
    expect(requests).toContainEqual(expect.objectContaining({ res: { statusCode: 401 } }));
  });

  it('should never write a key, a webhook secret, a name, an e-mail address or a phone number', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    const forbidden = [
      ...secrets,
      person.givenName,
      person.familyName,
      person.emails[0].address,
      `not-an-email-${tag}`,
      '98765432',
      '+4930',
      encodeURIComponent(person.emails[0].address),
      `Chief ${tag}`,
      `rapk_wrong_${tag}`,
    ];
    const all = t.logs.join('\n');
    for (const f of forbidden) expect({ f, found: all.includes(f) }).toEqual({ f, found: false });
    // Query strings are never logged.
    expect(all).not.toMatch(/[?&]q=/);
  });
});
