import { Webhook } from 'standardwebhooks';
import { ConsentExpiryScanner } from '../../src/consent/consent-expiry.scanner.js';
import { TransactionService } from '../../src/database/transaction.service.js';
import { RecipientNotifier } from '../../src/webhooks/recipient-notifier.service.js';
import { createTestApp, TestApp } from '../setup/test-app.js';
import { Fixtures, Receiver, waitFor } from './webhooks-helpers.js';

interface DeliveryRow {
  id: string;
  recipient_id: string;
  type: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
}

describe('Webhooks (GDPR Art. 19 recipient notification)', () => {
  let t: TestApp;
  let rx: Receiver;
  let fx: Fixtures;
  let newsletter: string;
  let events: string;

  const notify = (e: Parameters<RecipientNotifier['notifyContactEvent']>[0]) =>
    t.app.get(TransactionService).run(() => t.app.get(RecipientNotifier).notifyContactEvent(e));
  const deliveriesOf = (contactId: string) =>
    t.sql<DeliveryRow>(
      `SELECT * FROM webhook_deliveries WHERE contact_id = $1 ORDER BY created_at, recipient_id`,
      [contactId],
    );
  const settled = (contactId: string, count: number) =>
    waitFor(async () => {
      const rows = await deliveriesOf(contactId);
      return rows.length === count && rows.every((r) => r.status === 'delivered' || r.status === 'dead')
        ? rows
        : undefined;
    }, `${count} settled deliveries`);

  beforeAll(async () => {
    rx = await new Receiver().start();
    t = await createTestApp({
      env: {
        WEBHOOK_POLL_INTERVAL_MS: '50',
        WEBHOOK_RETRY_BASE_MS: '100',
        WEBHOOK_TIMEOUT_MS: '3000',
        CONSENT_EXPIRY_SCAN_INTERVAL_MS: '100',
      },
    });
    fx = new Fixtures(t);
    newsletter = await fx.purpose('newsletter');
    events = await fx.purpose('events');
  });
  afterAll(async () => {
    await t?.close();
    await rx?.stop();
  });

  it('should send a signed consent.withdrawn webhook, verifiable with standardwebhooks, only to recipients disclosed data under the purpose', async () => {
    const marketing = await fx.recipient('Marketing tool', rx.url('/marketing'));
    const eventsTool = await fx.recipient('Events tool', rx.url('/events'));
    const refused = await fx.recipient('Refused tool', rx.url('/refused'));
    const retired = await fx.recipient('Retired tool', rx.url('/retired'), { retired: true });
    const noUrl = await fx.recipient('No webhook', null);
    const contact = await fx.contact('Grace', 'Hopper', 'grace@example.org');
    await fx.disclosure(newsletter, marketing.id, [{ id: contact, allowed: true }]);
    await fx.disclosure(newsletter, marketing.id, [{ id: contact, allowed: true }]); // twice: still one delivery
    await fx.disclosure(events, eventsTool.id, [{ id: contact, allowed: true }]);
    await fx.disclosure(newsletter, refused.id, [{ id: contact, allowed: false }]);
    await fx.disclosure(newsletter, retired.id, [{ id: contact, allowed: true }]);
    await fx.disclosure(newsletter, noUrl.id, [{ id: contact, allowed: true }]);

    const occurredAt = new Date('2026-11-20T10:00:00.000Z');
    await notify({ type: 'consent.withdrawn', contactId: contact, purpose: 'newsletter', occurredAt });

    const [delivery] = await settled(contact, 1);
    expect(delivery).toMatchObject({
      recipient_id: marketing.id,
      type: 'consent.withdrawn',
      status: 'delivered',
      attempts: 1,
      last_status_code: 200,
    });
    const got = rx.at('/marketing');
    expect(got).toHaveLength(1);
    for (const p of ['/events', '/refused', '/retired']) expect(rx.at(p)).toHaveLength(0);

    const msg = got[0];
    expect(msg.headers['content-type']).toBe('application/json');
    expect(msg.headers['webhook-id']).toBe(delivery.id);
    expect(msg.headers['webhook-timestamp']).toMatch(/^\d+$/);
    expect(Math.abs(Number(msg.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(300);
    const verified = new Webhook(marketing.secret).verify(msg.body, msg.headers as Record<string, string>);
    expect(verified).toEqual({
      type: 'consent.withdrawn',
      contactId: contact,
      purpose: 'newsletter',
      occurredAt: occurredAt.toISOString(),
    });
    expect(JSON.parse(msg.body)).toEqual(verified);
    expect(() =>
      new Webhook(eventsTool.secret).verify(msg.body, msg.headers as Record<string, string>),
    ).toThrow();
    // Thin body: no personal data.
    expect(msg.body).not.toMatch(/Grace|Hopper|grace@example\.org/);
  });

  it('should notify every recipient disclosed the contact of a rectification, and none of an unknown contact', async () => {
    const a = await fx.recipient('A', rx.url('/rect-a'));
    const b = await fx.recipient('B', rx.url('/rect-b'));
    const contact = await fx.contact('Alan', 'Turing', 'alan@example.org');
    const other = await fx.contact('Other', 'Person', 'other@example.org');
    await fx.disclosure(newsletter, a.id, [
      { id: contact, allowed: true },
      { id: other, allowed: true },
    ]);
    await fx.disclosure(events, b.id, [{ id: contact, allowed: true }]);

    await notify({ type: 'contact.rectified', contactId: contact });
    const rows = await settled(contact, 2);
    expect(new Set(rows.map((r) => r.recipient_id))).toEqual(new Set([a.id, b.id]));
    const bodies = [...rx.at('/rect-a'), ...rx.at('/rect-b')].map((m) => JSON.parse(m.body));
    expect(bodies).toHaveLength(2);
    for (const body of bodies) {
      expect(Object.keys(body).sort()).toEqual(['contactId', 'occurredAt', 'type']);
      expect(body).toMatchObject({ type: 'contact.rectified', contactId: contact });
    }
    expect(await deliveriesOf(other)).toHaveLength(0);
  });

  it('should queue nothing when the change rolls back', async () => {
    const r = await fx.recipient('Rollback', rx.url('/rollback'));
    const contact = await fx.contact();
    await fx.disclosure(newsletter, r.id, [{ id: contact, allowed: true }]);
    await expect(
      t.app.get(TransactionService).run(async () => {
        await t.app.get(RecipientNotifier).notifyContactEvent({ type: 'contact.erased', contactId: contact });
        expect(
          (
            await t.app
              .get(TransactionService)
              .manager.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE contact_id = $1`, [
                contact,
              ])
          )[0].n,
        ).toBe(1);
        throw new Error('change failed');
      }),
    ).rejects.toThrow('change failed');
    expect(await deliveriesOf(contact)).toHaveLength(0);
  });

  it('should retry with the same webhook-id after the receiver answers 500, until a 2xx', async () => {
    const r = await fx.recipient('Flaky', rx.url('/flaky'));
    const contact = await fx.contact();
    await fx.disclosure(newsletter, r.id, [{ id: contact, allowed: true }]);
    rx.answer('/flaky', 500, 503);

    await notify({ type: 'contact.objected', contactId: contact, purpose: 'newsletter' });
    const [d] = await settled(contact, 1);
    expect(d).toMatchObject({ status: 'delivered', attempts: 3, last_status_code: 200, last_error: null });
    const got = rx.at('/flaky');
    expect(got.map((m) => m.status)).toEqual([500, 503, 200]);
    expect(new Set(got.map((m) => m.headers['webhook-id']))).toEqual(new Set([d.id]));
    expect(new Set(got.map((m) => m.body)).size).toBe(1);
    for (const m of got)
      {expect(new Webhook(r.secret).verify(m.body, m.headers as Record<string, string>)).toMatchObject({
        type: 'contact.objected',
      });}
  });

  it('should list deliveries for admin and compliance with filters and pages, and refuse staff', async () => {
    const r = await fx.recipient('Listed', rx.url('/listed'));
    const contact = await fx.contact();
    await fx.disclosure(newsletter, r.id, [{ id: contact, allowed: true }]);
    await notify({ type: 'consent.withdrawn', contactId: contact, purpose: 'newsletter' });
    await notify({ type: 'contact.rectified', contactId: contact });
    await settled(contact, 2);

    const compliance = await t.createKey('compliance');
    const res = await t
      .api(compliance)
      .get(`/webhook-deliveries?recipientId=${r.id}&status=delivered&limit=1`)
      .expect(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.nextCursor).toEqual(expect.any(String));
    expect(res.body.items[0]).toMatchObject({
      id: expect.any(String),
      recipientId: r.id,
      type: 'contact.rectified',
      contactId: contact,
      purpose: null,
      status: 'delivered',
      attempts: 1,
      lastError: null,
      lastStatusCode: 200,
      nextAttemptAt: null,
      deliveredAt: expect.any(String),
      createdAt: expect.any(String),
    });
    const page2 = await t
      .api(compliance)
      .get(`/webhook-deliveries?recipientId=${r.id}&limit=1&cursor=${res.body.nextCursor}`)
      .expect(200);
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.items[0]).toMatchObject({ type: 'consent.withdrawn', purpose: 'newsletter' });
    expect(page2.body.nextCursor).toBeNull();

    await t.api().get(`/webhook-deliveries/${res.body.items[0].id}`).expect(200);
    await t.api().get('/webhook-deliveries?status=lost').expect(400);
    await t.api().get('/webhook-deliveries?recipientId=nope').expect(400);
    const staff = await t.createKey('staff');
    await t.api(staff).get('/webhook-deliveries').expect(403);
    await t.request().get('/api/v1/webhook-deliveries').expect(401);
  });

  it('should mark a delivery dead when its retry window is over, and let an admin re-queue it (audited)', async () => {
    const r = await fx.recipient('Down', rx.url('/down'));
    const contact = await fx.contact();
    await fx.disclosure(newsletter, r.id, [{ id: contact, allowed: true }]);
    rx.answer('/down', 500);
    // The window is over at once: the first failure is final.
    await t.app.get(TransactionService).run(async (m) => {
      await t.app.get(RecipientNotifier).notifyContactEvent({ type: 'contact.erased', contactId: contact });
      await m.query(
        `UPDATE webhook_deliveries SET retry_until = now() - interval '1 second' WHERE contact_id = $1`,
        [contact],
      );
    });
    const [dead] = await settled(contact, 1);
    expect(dead).toMatchObject({
      status: 'dead',
      attempts: 1,
      last_status_code: 500,
      last_error: 'HTTP 500',
    });

    const listed = await t.api().get(`/webhook-deliveries/${dead.id}`).expect(200);
    expect(listed.body).toMatchObject({ status: 'dead', lastStatusCode: 500, nextAttemptAt: null });

    const compliance = await t.createKey('compliance');
    await t.api(compliance).post(`/webhook-deliveries/${dead.id}/retry`).expect(403);
    const retried = await t.api().post(`/webhook-deliveries/${dead.id}/retry`).expect(200);
    expect(retried.body).toMatchObject({
      id: dead.id,
      status: 'pending',
      attempts: 1,
      nextAttemptAt: expect.any(String),
    });

    const [done] = await settled(contact, 1);
    expect(done).toMatchObject({ id: dead.id, status: 'delivered', attempts: 2, last_status_code: 200 });
    expect(rx.at('/down').map((m) => m.headers['webhook-id'])).toEqual([dead.id, dead.id]);

    await t.api().post(`/webhook-deliveries/${dead.id}/retry`).expect(409);
    await t.api().post('/webhook-deliveries/6f1c4d0e-0000-4000-8000-000000000000/retry').expect(404);

    const audit = await t
      .api()
      .get(`/audit-events?entityType=webhook_delivery&entityId=${dead.id}`)
      .expect(200);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ action: 'retry' });
  });

  it('should notify consent.expired exactly once, and not for a consent that was expired from the start', async () => {
    const r = await fx.recipient('Expiry', rx.url('/expiry'));
    const contact = await fx.contact();
    const historic = await fx.contact();
    await fx.disclosure(newsletter, r.id, [
      { id: contact, allowed: true },
      { id: historic, allowed: true },
    ]);
    const now = Date.now();
    // Granted a while ago, expires in a moment.
    const consentId = await fx.consent(contact, newsletter, new Date(now - 86_400_000), new Date(now + 300));
    // Imported history: obtained and expired before it was recorded.
    await fx.consent(historic, newsletter, new Date(now - 3 * 86_400_000), new Date(now - 2 * 86_400_000));

    const [d] = await settled(contact, 1);
    expect(d).toMatchObject({ type: 'consent.expired', recipient_id: r.id, status: 'delivered' });
    const body = JSON.parse(rx.at('/expiry')[0].body);
    expect(body).toEqual({
      type: 'consent.expired',
      contactId: contact,
      purpose: 'newsletter',
      occurredAt: expect.any(String),
    });
    const [{ expires_at }] = await t.sql<{ expires_at: Date }>(
      `SELECT expires_at FROM consents WHERE id = $1`,
      [consentId],
    );
    expect(new Date(body.occurredAt).getTime()).toBe(Math.floor(new Date(expires_at).getTime()));

    // Later scans (this instance's loop, and one run by hand) queue nothing more.
    await waitFor(
      async () =>
        (await t.sql(`SELECT 1 FROM consent_expiry_notices WHERE consent_id = $1`, [consentId])).length === 1,
      'notice',
    );
    expect(await t.app.get(ConsentExpiryScanner).scan()).toBe(0);
    expect(await deliveriesOf(contact)).toHaveLength(1);
    expect(await deliveriesOf(historic)).toHaveLength(0);
  });

  it('should not notify expiry when a newer live consent still covers the recipient', async () => {
    const r = await fx.recipient('Renewed', rx.url('/renewed'));
    const contact = await fx.contact();
    await fx.disclosure(newsletter, r.id, [{ id: contact, allowed: true }]);
    const now = Date.now();
    await fx.consent(contact, newsletter, new Date(now - 86_400_000), null);
    const expiring = await fx.consent(contact, newsletter, new Date(now - 86_400_000), new Date(now + 200));
    await waitFor(
      async () =>
        (await t.sql(`SELECT 1 FROM consent_expiry_notices WHERE consent_id = $1`, [expiring])).length === 1,
      'notice',
    );
    expect(await deliveriesOf(contact)).toHaveLength(0);
  });

  it('should walk the marketing tool through to the signed webhook that says stop (via the API)', async () => {
    const purpose = await t.api().post('/purposes', {
      key: 'mailer-news',
      name: 'Monthly newsletter',
      description: 'News, monthly',
      legalBasis: 'consent',
      dataCategories: ['givenName', 'familyName', 'emails'],
    });
    expect(purpose.status).toBe(201);
    const recipient = await t.api().post('/recipients', { name: 'Mailer', kind: 'internal_tool', webhookUrl: rx.url('/mailer') });
    expect(recipient.status).toBe(201);
    const secret = recipient.body.secret as string;
    expect(secret).toMatch(/^whsec_/);
    const mailerKey = await t.createKey('integration', { recipientId: recipient.body.id });
    const staff = await t.createKey('staff');
    const contact = await t.api(staff).post('/contacts', { givenName: 'Ada', familyName: 'Byron', emails: [{ address: 'ada.byron@example.org' }] });
    expect(contact.status).toBe(201);
    const contactId = contact.body.id as string;
    const consent = await t.api(staff).post(`/contacts/${contactId}/consents`, { purpose: 'mailer-news', method: 'web_form', noticeVersion: '2026-01' });
    expect(consent.status).toBe(201);
    const disclosed = await t.api(mailerKey).post('/disclosures', { purpose: 'mailer-news', recipientId: recipient.body.id, contactIds: [contactId] });
    expect(disclosed.status).toBe(201);
    expect(disclosed.body.disclosed).toHaveLength(1);

    // The person unsubscribes: the withdrawal notifies the tool (signed, thin).
    const withdrawn = await t.api(mailerKey).post(`/consents/${consent.body.id}/withdraw`, { reason: 'unsubscribe link' });
    expect(withdrawn.status).toBe(200);
    const [stop] = await waitFor(() => (rx.at('/mailer').length >= 1 ? rx.at('/mailer') : undefined), 'the withdrawal webhook');
    const payload = new Webhook(secret).verify(stop.body, stop.headers as Record<string, string>) as Record<string, unknown>;
    expect(payload).toEqual({ type: 'consent.withdrawn', contactId, purpose: 'mailer-news', occurredAt: withdrawn.body.withdrawnAt });
    expect(stop.body).not.toMatch(/Ada|Byron|ada\.byron/);

    // An objection and an erasure reach the tool too.
    expect((await t.api(staff).post(`/contacts/${contactId}/objections`, { purpose: 'mailer-news' })).status).toBe(201);
    expect((await t.api().post(`/contacts/${contactId}/erase`, {})).status).toBeLessThan(300);
    const all = await waitFor(() => (rx.at('/mailer').length >= 3 ? rx.at('/mailer') : undefined), 'three webhooks');
    const types = all.map((m) => (new Webhook(secret).verify(m.body, m.headers as Record<string, string>) as { type: string }).type);
    expect(types.sort()).toEqual(['consent.withdrawn', 'contact.erased', 'contact.objected']);
    for (const m of all) expect(m.body).not.toMatch(/Ada|Byron|ada\.byron/);

    const listed = await t.api().get(`/webhook-deliveries?recipientId=${recipient.body.id}`).expect(200);
    expect(listed.body.items.map((d: { type: string }) => d.type).sort()).toEqual(['consent.withdrawn', 'contact.erased', 'contact.objected']);
  });
});
