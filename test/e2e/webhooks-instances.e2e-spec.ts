import { Webhook } from 'standardwebhooks';
import { TransactionService } from '../../src/database/transaction.service.js';
import { RecipientNotifier } from '../../src/webhooks/recipient-notifier.service.js';
import { createTestApp, TestApp } from '../setup/test-app.js';
import { Fixtures, Receiver, waitFor } from './webhooks-helpers.js';

/** Two instances on one database: every delivery is sent, none twice (SKIP LOCKED claims with a lease). */
describe('Webhooks with several instances', () => {
  let a: TestApp | undefined;
  let b: TestApp | undefined;
  let rx: Receiver;
  const env = { WEBHOOK_POLL_INTERVAL_MS: '20', WEBHOOK_RETRY_BASE_MS: '50', CONSENT_EXPIRY_SCAN_INTERVAL_MS: '20' };

  beforeAll(async () => {
    rx = await new Receiver().start();
  });
  afterAll(async () => {
    await a?.close({ keepDatabase: true });
    await b?.close();
    await rx.stop();
  });

  it('should deliver each queued webhook exactly once when two instances share the queue', async () => {
    a = await createTestApp({ env });
    b = await createTestApp({ databaseUrl: a.databaseUrl, env: { ...env, MASTER_KEY: process.env.MASTER_KEY! } });
    const fx = new Fixtures(a);
    const purpose = await fx.purpose('newsletter');
    const contact = await fx.contact();
    const recipients = [];
    for (let i = 0; i < 30; i++) {
      const r = await fx.recipient(`R${i}`, rx.url(`/r${i}`));
      // Every third endpoint fails once first: retries are claimed concurrently too.
      if (i % 3 === 0) rx.answer(`/r${i}`, 500);
      await fx.disclosure(purpose, r.id, [{ id: contact, allowed: true }]);
      recipients.push(r);
    }
    // Events queued through both instances.
    await a.app.get(TransactionService).run(() => a!.app.get(RecipientNotifier).notifyContactEvent({ type: 'contact.rectified', contactId: contact }));
    await b.app.get(TransactionService).run(() => b!.app.get(RecipientNotifier).notifyContactEvent({ type: 'contact.erased', contactId: contact }));

    const rows = await waitFor(async () => {
      const all = await a!.sql<{ id: string; status: string; attempts: number }>(`SELECT id, status, attempts FROM webhook_deliveries`);
      return all.length === 60 && all.every((r) => r.status === 'delivered') ? all : undefined;
    }, '60 deliveries');
    const successes = rx.received.filter((m) => m.status === 200);
    expect(successes).toHaveLength(60);
    expect(new Set(successes.map((m) => m.headers['webhook-id']))).toEqual(new Set(rows.map((r) => r.id)));
    // 10 endpoints failed once (the first of their two deliveries), then answered 200.
    expect(rx.received.filter((m) => m.status === 500)).toHaveLength(10);
    expect(rows.reduce((n, r) => n + r.attempts, 0)).toBe(70);
    for (let i = 0; i < recipients.length; i++) {
      for (const m of rx.at(`/r${i}`)) expect(new Webhook(recipients[i].secret).verify(m.body, m.headers as Record<string, string>)).toBeTruthy();
    }
  });
});
