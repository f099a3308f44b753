import { postWebhook } from '../../src/webhooks/webhook-sender.js';
import { HANG, Receiver } from './webhooks-helpers.js';

/** One delivery attempt against a real local HTTP server (no app needed). */
describe('Webhook sender', () => {
  let rx: Receiver;
  const headers = { 'content-type': 'application/json', 'webhook-id': 'msg_test' };
  const body = '{"type":"contact.erased"}';

  beforeAll(async () => {
    rx = await new Receiver().start();
  });
  afterAll(async () => {
    await rx.stop();
  });

  it('should connect to the checked (pinned) address, not to a second DNS answer', async () => {
    const url = `http://hooks.example.invalid:${rx.port}/pinned`;
    const res = await postWebhook(url, headers, body, { timeoutMs: 5000, allowPrivate: true, resolve: async () => ['127.0.0.1'] });
    expect(res).toEqual({ ok: true, statusCode: 200, error: null });
    expect(rx.at('/pinned')).toHaveLength(1);
    expect(rx.at('/pinned')[0].body).toBe(body);
    expect(rx.at('/pinned')[0].headers['webhook-id']).toBe('msg_test');
  });

  it('should refuse, without connecting, a host that now resolves to loopback (DNS rebinding) or plain http', async () => {
    const rebound = await postWebhook(`https://hooks.example.org:${rx.port}/rebound`, headers, body, {
      timeoutMs: 5000,
      allowPrivate: false,
      resolve: async () => ['127.0.0.1'],
    });
    expect(rebound).toMatchObject({ ok: false, statusCode: null, error: expect.stringMatching(/loopback|private/) });
    const plain = await postWebhook(rx.url('/plain'), headers, body, { timeoutMs: 5000, allowPrivate: false });
    expect(plain).toMatchObject({ ok: false, statusCode: null, error: expect.stringMatching(/https/) });
    const metadata = await postWebhook('http://169.254.169.254/latest/meta-data', headers, body, { timeoutMs: 5000, allowPrivate: true });
    expect(metadata).toMatchObject({ ok: false, statusCode: null });
    expect(rx.at('/rebound')).toHaveLength(0);
    expect(rx.at('/plain')).toHaveLength(0);
  });

  it('should not follow a redirect', async () => {
    rx.answer('/moved', 302);
    const res = await postWebhook(rx.url('/moved'), headers, body, { timeoutMs: 5000, allowPrivate: true });
    expect(res).toMatchObject({ ok: false, statusCode: 302, error: expect.stringMatching(/redirect/) });
    expect(rx.at('/redirected')).toHaveLength(0);
  });

  it('should give up an attempt that does not answer in time, and one abandoned at shutdown', async () => {
    rx.answer('/slow', HANG);
    const slow = await postWebhook(rx.url('/slow'), headers, body, { timeoutMs: 300, allowPrivate: true });
    expect(slow).toMatchObject({ ok: false, statusCode: null, error: expect.stringMatching(/timed out/) });

    rx.answer('/abandoned', HANG);
    const abort = new AbortController();
    const pending = postWebhook(rx.url('/abandoned'), headers, body, { timeoutMs: 60_000, allowPrivate: true, signal: abort.signal });
    while (rx.at('/abandoned').length === 0) await new Promise((r) => setTimeout(r, 10));
    abort.abort();
    expect(await pending).toMatchObject({ ok: false, error: expect.stringMatching(/abandoned/) });
  });

  it('should bound a DNS resolution that never answers, by the timeout and by abandonment', async () => {
    const never = () => new Promise<string[]>(() => undefined);
    const url = `https://hooks.example.org/never`;
    expect(await postWebhook(url, headers, body, { timeoutMs: 200, allowPrivate: false, resolve: never })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/timed out/),
    });
    const abort = new AbortController();
    const pending = postWebhook(url, headers, body, { timeoutMs: 60_000, allowPrivate: false, resolve: never, signal: abort.signal });
    abort.abort();
    expect(await pending).toMatchObject({ ok: false, error: expect.stringMatching(/abandoned/) });
  });

  it('should count any 2xx as delivered and anything else as failed', async () => {
    rx.answer('/accepted', 204);
    expect(await postWebhook(rx.url('/accepted'), headers, body, { timeoutMs: 5000, allowPrivate: true })).toMatchObject({ ok: true, statusCode: 204 });
    rx.answer('/gone', 410);
    expect(await postWebhook(rx.url('/gone'), headers, body, { timeoutMs: 5000, allowPrivate: true })).toEqual({ ok: false, statusCode: 410, error: 'HTTP 410' });
  });
});
