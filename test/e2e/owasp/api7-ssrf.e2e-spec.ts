import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createTestApp, TestApp } from '../../setup/test-app.js';
import { Fixtures, Receiver, waitFor } from '../webhooks-helpers.js';

/**
 * OWASP API7:2023 Server Side Request Forgery. A recipient's webhookUrl is the one place where a caller makes
 * the service send requests; it must never reach the cloud metadata service, loopback, private networks or
 * anything a redirect points at, however the address is spelt, when it is saved and again when it is used.
 */

/** A plain TCP listener that only counts connections: proof that nothing was even attempted. */
class Tarpit {
  connections = 0;
  private server!: net.Server;
  port = 0;
  async start(): Promise<this> {
    this.server = net.createServer((s) => {
      this.connections++;
      s.destroy();
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

interface DeliveryRow {
  status: string;
  attempts: number;
  last_error: string | null;
  last_status_code: number | null;
}

/** Queues one notification for a recipient as the notifier would (the worker picks it up on its next poll). */
async function queueDelivery(t: TestApp, recipientId: string, contactId: string): Promise<string> {
  const body = JSON.stringify({ type: 'contact.rectified', contactId, occurredAt: new Date().toISOString() });
  const [r] = await t.sql<{ id: string }>(
    `INSERT INTO webhook_deliveries (recipient_id, type, contact_id, occurred_at, body, retry_until)
     VALUES ($1, 'contact.rectified', $2, now(), $3, now() + interval '1 hour') RETURNING id`,
    [recipientId, contactId, body],
  );
  return r.id;
}

const attempted = (t: TestApp, id: string) =>
  waitFor(async () => {
    const [row] = await t.sql<DeliveryRow>('SELECT status, attempts, last_error, last_status_code FROM webhook_deliveries WHERE id = $1', [id]);
    return row.attempts > 0 ? row : undefined;
  }, `an attempt of delivery ${id}`);

/** Every spelling of an address a webhook must not reach, with WEBHOOK_ALLOW_PRIVATE=false. */
const FORBIDDEN_URLS = [
  // cloud metadata and link-local
  'https://169.254.169.254/latest/meta-data/iam/security-credentials/',
  'https://169.254.0.1/',
  'https://[fe80::1]/',
  'https://[fd00:ec2::254]/',
  'https://[::ffff:169.254.169.254]/',
  'https://[64:ff9b::a9fe:a9fe]/',
  'https://[2002:a9fe:a9fe::1]/',
  // private ranges
  'https://10.0.0.1/',
  'https://172.16.5.4/',
  'https://192.168.1.1/',
  'https://100.64.0.1/',
  'https://[fc00::1]/',
  'https://[::ffff:10.1.2.3]/',
  // loopback, in every spelling
  'https://127.0.0.1/',
  'https://127.1/',
  'https://127.255.255.254/',
  'https://[::1]/',
  'https://[::ffff:127.0.0.1]/',
  'https://[::ffff:7f00:1]/',
  'https://[0:0:0:0:0:ffff:127.0.0.1]/',
  'https://2130706433/',
  'https://0177.0.0.1/',
  'https://0x7f.0.0.1/',
  'https://0x7f000001/',
  'https://017700000001/',
  'https://0.0.0.0/',
  'https://0/',
  'https://[::]/',
  // names that resolve to loopback (/etc/hosts: localhost, the machine's own name)
  'https://localhost/',
  'https://LOCALHOST./',
  'https://api.localhost/',
  'https://vm/',
  'https://vm./',
  'https://localhost../',
  // plain http, credentials, other schemes
  'http://example.org/hook',
  'https://user:secret@example.org/hook',
  'file:///etc/passwd',
  'gopher://127.0.0.1:6379/_INFO',
  'ftp://example.org/',
];

describe('OWASP API7:2023 SSRF through webhook URLs (WEBHOOK_ALLOW_PRIVATE=false, the default)', () => {
  let t: TestApp;
  let fx: Fixtures;
  let tarpit: Tarpit;

  beforeAll(async () => {
    t = await createTestApp({ env: { WEBHOOK_ALLOW_PRIVATE: 'false', WEBHOOK_POLL_INTERVAL_MS: '100', WEBHOOK_TIMEOUT_MS: '2000' } });
    fx = new Fixtures(t);
    tarpit = await new Tarpit().start();
  });
  afterAll(async () => {
    await tarpit.stop();
    await t.close();
  });

  it('creating a recipient whose webhookUrl is metadata, link-local, private, loopback (decimal, octal, hex, IPv6-mapped) or not https is a 400 and creates nothing', async () => {
    const before = await t.sql('SELECT id FROM recipients');
    const accepted: string[] = [];
    for (const webhookUrl of FORBIDDEN_URLS) {
      const res = await t.api().post('/recipients', { name: 'Evil', kind: 'internal_tool', webhookUrl });
      const named = (res.body.errors ?? []).some((e: { field: string }) => e.field === 'webhookUrl');
      if (res.status !== 400 || !named) accepted.push(`${webhookUrl}: ${res.status}`);
    }
    expect(accepted).toEqual([]);
    expect(await t.sql('SELECT id FROM recipients')).toEqual(before);
  });

  it('changing a recipient\'s webhookUrl to any of those addresses is a 400 and keeps the old URL', async () => {
    const created = await t.api().post('/recipients', { name: 'Good', kind: 'internal_tool', webhookUrl: 'https://93.184.215.14/hook' }).expect(201);
    const accepted: string[] = [];
    for (const webhookUrl of FORBIDDEN_URLS) {
      const res = await t.api().patch(`/recipients/${created.body.id}`, { webhookUrl });
      if (res.status !== 400) accepted.push(`${webhookUrl}: ${res.status}`);
    }
    expect(accepted).toEqual([]);
    const [row] = await t.sql<{ webhook_url: string }>('SELECT webhook_url FROM recipients WHERE id = $1', [created.body.id]);
    expect(row.webhook_url).toBe('https://93.184.215.14/hook');
  });

  it('a public https address is accepted (the guard is not a blanket refusal)', async () => {
    const res = await t.api().post('/recipients', { name: 'Public', kind: 'internal_tool', webhookUrl: 'https://[2606:4700:4700::1111]/hook' });
    expect(res.status).toBe(201);
  });

  it.each([
    ['loopback', (port: number) => `https://127.0.0.1:${port}/hook`],
    ['loopback, IPv6-mapped', (port: number) => `https://[::ffff:127.0.0.1]:${port}/hook`],
    ['loopback, decimal', (port: number) => `https://2130706433:${port}/hook`],
    ['a name that now resolves to loopback (localhost)', (port: number) => `https://localhost:${port}/hook`],
    ['a name that now resolves to loopback (/etc/hosts: vm)', (port: number) => `https://vm:${port}/hook`],
    ['plain http to loopback', (port: number) => `http://127.0.0.1:${port}/hook`],
  ])('a stored webhookUrl that points at %s by delivery time (DNS rebinding, or a row written before the check) is refused without connecting', async (_what, urlFor) => {
    const recipient = await fx.recipient(`Rebound ${randomUUID()}`, urlFor(tarpit.port));
    const contactId = await fx.contact('Re', 'Bound', `rebound-${randomUUID()}@example.org`);
    const id = await queueDelivery(t, recipient.id, contactId);
    const row = await attempted(t, id);
    expect(row).toMatchObject({ status: 'failed', last_status_code: null, last_error: expect.stringMatching(/loopback|private|public host|https/) });
    expect(tarpit.connections).toBe(0);
  });

  it('a stored webhookUrl to the metadata service is refused at delivery', async () => {
    const recipient = await fx.recipient('Metadata', 'https://169.254.169.254/latest/meta-data/');
    const contactId = await fx.contact('Meta', 'Data', `meta-${randomUUID()}@example.org`);
    const row = await attempted(t, await queueDelivery(t, recipient.id, contactId));
    expect(row).toMatchObject({ status: 'failed', last_status_code: null, last_error: expect.stringMatching(/link-local|metadata/) });
  });
});

describe('OWASP API7:2023 SSRF through redirects (WEBHOOK_ALLOW_PRIVATE=true: local receivers)', () => {
  let t: TestApp;
  let fx: Fixtures;
  let hook: Receiver;
  let inside: Receiver;

  beforeAll(async () => {
    t = await createTestApp({ env: { WEBHOOK_POLL_INTERVAL_MS: '100', WEBHOOK_TIMEOUT_MS: '2000' } });
    fx = new Fixtures(t);
    hook = await new Receiver().start();
    inside = await new Receiver().start();
  });
  afterAll(async () => {
    await hook.stop();
    await inside.stop();
    await t.close();
  });

  it.each([301, 302, 303, 307, 308])('a receiver answering %i with a Location inside the network is not followed: the attempt fails and the target is never hit', async (status) => {
    // The Receiver answers a 3xx with `Location: /redirected`; this one points at another server altogether.
    const redirecting = new RedirectingReceiver(inside.url('/steal'), status);
    await redirecting.start();
    try {
      const recipient = await fx.recipient(`Redirect ${status}`, redirecting.url('/hook'));
      const contactId = await fx.contact('Red', 'Irect', `redirect-${status}-${randomUUID()}@example.org`);
      const row = await attempted(t, await queueDelivery(t, recipient.id, contactId));
      expect(row).toMatchObject({ status: 'failed', last_status_code: status, last_error: expect.stringMatching(/redirect/) });
      expect(redirecting.hits).toBe(1);
      expect(inside.at('/steal')).toHaveLength(0);
    } finally {
      await redirecting.stop();
    }
  });

  it('the same receiver answering 200 afterwards is delivered to (the refusal is about the redirect, not the host)', async () => {
    const recipient = await fx.recipient('Plain', hook.url('/ok'));
    const contactId = await fx.contact('Ok', 'Receiver', `ok-${randomUUID()}@example.org`);
    const row = await attempted(t, await queueDelivery(t, recipient.id, contactId));
    expect(row).toMatchObject({ status: 'delivered', last_status_code: 200 });
    expect(hook.at('/ok')).toHaveLength(1);
  });

  it('even with WEBHOOK_ALLOW_PRIVATE, the metadata address is refused on write', async () => {
    for (const webhookUrl of ['http://169.254.169.254/latest/meta-data/', 'http://[::ffff:169.254.169.254]/', 'http://[fe80::1]/', 'http://0.0.0.0/']) {
      const res = await t.api().post('/recipients', { name: 'Meta', kind: 'internal_tool', webhookUrl });
      expect({ webhookUrl, status: res.status }).toEqual({ webhookUrl, status: 400 });
    }
  });
});

/** A real HTTP server that answers every request with a redirect to `location`, and counts requests. */
class RedirectingReceiver {
  hits = 0;
  private server!: http.Server;
  port = 0;
  constructor(
    private readonly location: string,
    private readonly status: number,
  ) {}
  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      this.hits++;
      req.resume();
      req.on('end', () => {
        res.writeHead(this.status, { location: this.location, 'content-type': 'text/plain' });
        res.end('moved');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }
  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
