import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { TransactionService } from '../../src/database/transaction.service.js';
import { RecipientNotifier } from '../../src/webhooks/recipient-notifier.service.js';
import { createTestApp, TestApp } from '../setup/test-app.js';
import { Fixtures, HANG, Receiver, waitFor } from './webhooks-helpers.js';

interface Row {
  id: string;
  status: string;
  attempts: number;
  lease_token: string | null;
  last_status_code: number | null;
}

/**
 * Deliveries are rows: they survive a restart. The first app is stopped while one delivery waits for its
 * next attempt and another is in flight (abandoned at shutdown), and a third is left behind by a "crashed"
 * instance with a lease; a new app on the same database delivers all three.
 */
describe('Webhooks across a restart', () => {
  const masterKey = randomBytes(32).toString('base64');
  let first: TestApp | undefined;
  let second: TestApp | undefined;
  let rx: Receiver;

  beforeAll(async () => {
    rx = await new Receiver().start();
  });
  afterAll(async () => {
    await first?.close().catch(() => undefined);
    await second?.close();
    await rx.stop();
  });

  it('should deliver after a restart what was queued, failed or in flight before it', async () => {
    first = await createTestApp({
      env: {
        MASTER_KEY: masterKey,
        WEBHOOK_POLL_INTERVAL_MS: '50',
        // A failed attempt is not retried while the first app runs.
        WEBHOOK_RETRY_BASE_MS: '600000',
        WEBHOOK_TIMEOUT_MS: '10000',
      },
    });
    const fx = new Fixtures(first);
    const purpose = await fx.purpose('newsletter');
    const failing = await fx.recipient('Failing', rx.url('/failing'));
    const hanging = await fx.recipient('Hanging', rx.url('/hanging'));
    const crashed = await fx.recipient('Crashed', rx.url('/crashed'));
    const contact = await fx.contact('Rosalind', 'Franklin', 'rosalind@example.org');
    for (const r of [failing, hanging, crashed]) await fx.disclosure(purpose, r.id, [{ id: contact, allowed: true }]);
    rx.answer('/failing', 500);
    rx.answer('/hanging', HANG);

    const notifier = first.app.get(RecipientNotifier);
    await first.app.get(TransactionService).run(async () => {
      await notifier.notifyContactEvent({ type: 'consent.withdrawn', contactId: contact, purpose: 'newsletter' });
    });
    const byRecipient = async (t: TestApp, recipientId: string) =>
      (await t.sql<Row>(`SELECT * FROM webhook_deliveries WHERE recipient_id = $1`, [recipientId]))[0];

    await waitFor(async () => (await byRecipient(first!, failing.id))?.status === 'failed', 'the first attempt to fail');
    await waitFor(() => rx.at('/hanging').length === 1, 'the hanging attempt to start');
    // The crashed instance's delivery: claimed, lease run out, never answered.
    const crashedBefore = await byRecipient(first, crashed.id);
    await waitFor(async () => (await byRecipient(first!, crashed.id)).status === 'delivered', 'the third delivery');
    const databaseUrl = first.databaseUrl;
    await first.close({ keepDatabase: true });
    first = undefined;

    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    // Made to look like an instance that crashed mid-attempt: claimed, lease run out, never answered. Done only
    // once the first app is stopped, so that app cannot pick it up again before the restart.
    await db.query(
      `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, delivered_at = NULL, last_status_code = NULL,
              lease_token = gen_random_uuid(), leased_until = now() - interval '1 second' WHERE id = $1`,
      [crashedBefore.id],
    );
    // Stopped: the hanging attempt was abandoned (not counted, lease released), nothing was lost.
    const left = (await db.query<Row & { recipient_id: string }>(`SELECT * FROM webhook_deliveries ORDER BY recipient_id`)).rows;
    expect(left).toHaveLength(3);
    const hangingRow = left.find((r) => r.recipient_id === hanging.id)!;
    expect(hangingRow).toMatchObject({ status: 'pending', attempts: 0, lease_token: null });
    expect(left.find((r) => r.recipient_id === failing.id)).toMatchObject({ status: 'failed', attempts: 1, last_status_code: 500 });
    // Time passes while the service is down: the failed delivery is due again.
    await db.query(`UPDATE webhook_deliveries SET next_attempt_at = now() WHERE recipient_id = $1`, [failing.id]);
    await db.end();

    const before = rx.received.length;
    second = await createTestApp({
      databaseUrl,
      env: { MASTER_KEY: masterKey, WEBHOOK_POLL_INTERVAL_MS: '50', WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_TIMEOUT_MS: '10000' },
    });
    const rows = await waitFor(async () => {
      const all = await second!.sql<Row & { recipient_id: string }>(`SELECT * FROM webhook_deliveries`);
      return all.every((r) => r.status === 'delivered') ? all : undefined;
    }, 'every delivery to be delivered after the restart');
    expect(rows.find((r) => r.recipient_id === failing.id)).toMatchObject({ attempts: 2, last_status_code: 200 });
    expect(rows.find((r) => r.recipient_id === hanging.id)).toMatchObject({ attempts: 1, last_status_code: 200 });
    expect(rows.find((r) => r.recipient_id === crashed.id)).toMatchObject({ attempts: 1, last_status_code: 200 });

    const after = rx.received.slice(before);
    expect(after.map((m) => m.path).sort()).toEqual(['/crashed', '/failing', '/hanging']);
    const secrets: Record<string, string> = { '/failing': failing.secret, '/hanging': hanging.secret, '/crashed': crashed.secret };
    for (const m of after) {
      const row = rows.find((r) => m.headers['webhook-id'] === r.id);
      expect(row).toBeDefined();
      expect(new Webhook(secrets[m.path]).verify(m.body, m.headers as Record<string, string>)).toMatchObject({
        type: 'consent.withdrawn',
        contactId: contact,
        purpose: 'newsletter',
      });
      expect(m.body).not.toMatch(/Rosalind|Franklin|rosalind@/);
    }
    // The same webhook-id before and after the restart.
    expect(new Set(rx.at('/failing').map((m) => m.headers['webhook-id'])).size).toBe(1);
    expect(new Set(rx.at('/hanging').map((m) => m.headers['webhook-id'])).size).toBe(1);
  });
});
