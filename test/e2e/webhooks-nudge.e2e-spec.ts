import { TransactionService } from '../../src/database/transaction.service.js';
import { RecipientNotifier } from '../../src/webhooks/recipient-notifier.service.js';
import { createTestApp, TestApp } from '../setup/test-app.js';
import { Fixtures, Receiver, waitFor } from './webhooks-helpers.js';

/**
 * The worker polls only once a minute here: what arrives within the wait limit (20 s) was sent because the
 * commit of the queuing transaction (or of the manual re-queue) woke the worker.
 */
describe('Webhook worker wake-up on commit', () => {
  let t: TestApp;
  let rx: Receiver;

  beforeAll(async () => {
    rx = await new Receiver().start();
    t = await createTestApp({ env: { WEBHOOK_POLL_INTERVAL_MS: '60000', CONSENT_EXPIRY_SCAN_INTERVAL_MS: '3600000', WEBHOOK_RETRY_BASE_MS: '3600000' } });
  });
  afterAll(async () => {
    await t?.close();
    await rx?.stop();
  });

  it('should send as soon as the queuing transaction commits, and again as soon as an admin re-queues', async () => {
    const fx = new Fixtures(t);
    const purpose = await fx.purpose('newsletter');
    const r = await fx.recipient('Tool', rx.url('/tool'));
    const contact = await fx.contact();
    await fx.disclosure(purpose, r.id, [{ id: contact, allowed: true }]);
    // Let the first round after start-up pass, so that only a wake-up can send what comes next.
    await new Promise((resolve) => setTimeout(resolve, 300));
    rx.answer('/tool', 500);

    await t.app.get(TransactionService).run(async () => {
      await t.app.get(RecipientNotifier).notifyContactEvent({ type: 'consent.withdrawn', contactId: contact, purpose: 'newsletter' });
      // Not before the commit.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(rx.at('/tool')).toHaveLength(0);
    });
    const [failed] = await waitFor(async () => {
      const rows = await t.sql<{ id: string; status: string }>(`SELECT id, status FROM webhook_deliveries`);
      return rows[0]?.status === 'failed' ? rows : undefined;
    }, 'the first attempt');
    expect(rx.at('/tool')).toHaveLength(1);

    // The next automatic retry is an hour away; the re-queue wakes the worker at its commit.
    await t.api().post(`/webhook-deliveries/${failed.id}/retry`).expect(200);
    await waitFor(async () => (await t.sql<{ status: string }>(`SELECT status FROM webhook_deliveries`))[0].status === 'delivered', 'the re-queued attempt');
    expect(rx.at('/tool').map((m) => m.status)).toEqual([500, 200]);
  });
});
