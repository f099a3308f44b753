import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createTestApp, TestApp } from '../../setup/test-app.js';
import { Fixtures, Receiver, waitFor } from '../webhooks-helpers.js';

/**
 * OWASP API10:2023 Unsafe Consumption of APIs: the one third-party API Rapport consumes is the webhook
 * receivers' answers. A receiver may answer with a huge body, a body that never ends, a redirect, giant
 * headers or garbage; the worker must record a failure (or a success for a plain 2xx), never hang, never
 * buffer what it is sent, never store what it is sent, and keep delivering to everyone else.
 */

const MiB = 1024 * 1024;
const WEBHOOK_TIMEOUT_MS = 1500;
const MARKER = 'RECEIVER-SECRET-7f3a';

type Behaviour = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A real HTTP server whose answer per path is given by a behaviour; counts requests per path. */
class EvilReceiver {
  readonly hits = new Map<string, number>();
  private readonly behaviours = new Map<string, Behaviour>();
  private server!: http.Server;
  port = 0;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const path = req.url ?? '/';
      this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
      req.resume();
      req.on('end', () => (this.behaviours.get(path) ?? ((_q, s) => s.end('ok')))(req, res));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  on(path: string, behaviour: Behaviour): string {
    this.behaviours.set(path, behaviour);
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Streams `total` bytes with back-pressure (the receiver itself holds one chunk at a time). */
function streamBytes(res: http.ServerResponse, total: number, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, `"${MARKER}",`);
  let sent = 0;
  const pump = () => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  res.on('error', () => undefined);
  pump();
}

interface DeliveryRow {
  status: string;
  attempts: number;
  last_error: string | null;
  last_status_code: number | null;
}

describe('OWASP API10:2023 Unsafe consumption of webhook receivers\' answers', () => {
  let t: TestApp;
  let fx: Fixtures;
  let evil: EvilReceiver;
  let good: Receiver;

  beforeAll(async () => {
    t = await createTestApp({ env: { WEBHOOK_POLL_INTERVAL_MS: '100', WEBHOOK_TIMEOUT_MS: String(WEBHOOK_TIMEOUT_MS), WEBHOOK_RETRY_BASE_MS: '600000' } });
    fx = new Fixtures(t);
    evil = await new EvilReceiver().start();
    good = await new Receiver().start();
  });
  afterAll(async () => {
    await evil.stop();
    await good.stop();
    await t.close();
  });

  /** Queues one notification for a new recipient at `url`, as the notifier would. */
  async function deliverTo(url: string): Promise<string> {
    const recipient = await fx.recipient(`Receiver ${randomUUID()}`, url);
    const contactId = await fx.contact('Con', 'Sumer', `c-${randomUUID()}@example.org`);
    const body = JSON.stringify({ type: 'contact.rectified', contactId, occurredAt: new Date().toISOString() });
    const [r] = await t.sql<{ id: string }>(
      `INSERT INTO webhook_deliveries (recipient_id, type, contact_id, occurred_at, body, retry_until)
       VALUES ($1, 'contact.rectified', $2, now(), $3, now() + interval '1 hour') RETURNING id`,
      [recipient.id, contactId, body],
    );
    return r.id;
  }

  /** Waits for the first attempt's outcome (the bound only ends a hung test; no speed is asserted). */
  const outcome = (id: string) =>
    waitFor(async () => {
      const [row] = await t.sql<DeliveryRow>('SELECT status, attempts, last_error, last_status_code FROM webhook_deliveries WHERE id = $1', [id]);
      return row.attempts > 0 ? row : undefined;
    }, `the first attempt of ${id}`, 30_000);

  /** A healthy receiver still gets its delivery: the worker was not wedged by what came before. */
  const stillDelivers = async () => {
    const path = `/healthy-${randomUUID()}`;
    const row = await outcome(await deliverTo(good.url(path)));
    expect(row).toMatchObject({ status: 'delivered', last_status_code: 200 });
    expect(good.at(path)).toHaveLength(1);
  };

  /** Samples this process's RSS (the app runs in it) while `work` runs; answers the growth over the start. */
  async function rssGrowth(work: () => Promise<void>): Promise<number> {
    const start = process.memoryUsage().rss;
    let peak = start;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    try {
      await work();
    } finally {
      clearInterval(sampler);
    }
    return Math.max(peak, process.memoryUsage().rss) - start;
  }

  it('a receiver answering 200 with a 50 MB body: delivered, the body is not read whole, nothing of it stored', async () => {
    const url = evil.on('/huge-ok', (_q, res) => streamBytes(res, 50 * 1000 * 1000));
    let row!: DeliveryRow;
    const growth = await rssGrowth(async () => {
      row = await outcome(await deliverTo(url));
    });
    expect(row).toMatchObject({ status: 'delivered', last_status_code: 200 });
    expect(growth).toBeLessThan(40 * MiB);
    await stillDelivers();
  });

  it('a receiver answering 500 with a 50 MB body: a failure to retry, the body neither buffered nor stored in last_error', async () => {
    const url = evil.on('/huge-500', (_q, res) => streamBytes(res, 50 * 1000 * 1000, 500));
    let row!: DeliveryRow;
    const growth = await rssGrowth(async () => {
      row = await outcome(await deliverTo(url));
    });
    expect(row).toMatchObject({ status: 'failed', last_status_code: 500 });
    expect(row.last_error).not.toContain(MARKER);
    expect(growth).toBeLessThan(40 * MiB);
    await stillDelivers();
  });

  it('a receiver that sends its status then trickles the body for longer than WEBHOOK_TIMEOUT_MS: a timed-out failure, the worker moves on', async () => {
    const timers: NodeJS.Timeout[] = [];
    const url = evil.on('/trickle', (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('.')), 100);
      timers.push(timer);
    });
    try {
      const row = await outcome(await deliverTo(url));
      expect(row).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/timed out/) });
      await stillDelivers();
    } finally {
      timers.forEach(clearInterval);
    }
  });

  it('a receiver that accepts the connection and never answers: a timed-out failure', async () => {
    const url = evil.on('/silent', () => undefined);
    const row = await outcome(await deliverTo(url));
    expect(row).toMatchObject({ status: 'failed', last_status_code: null, last_error: expect.stringMatching(/timed out/) });
    await stillDelivers();
  });

  it('a receiver redirecting (307 to another receiver) is not followed: a failure, the other receiver never hit', async () => {
    const target = good.url(`/stolen-${randomUUID()}`);
    const url = evil.on('/redirect', (_q, res) => {
      res.writeHead(307, { location: target });
      res.end(MARKER);
    });
    const row = await outcome(await deliverTo(url));
    expect(row).toMatchObject({ status: 'failed', last_status_code: 307, last_error: expect.stringMatching(/redirect/) });
    expect(good.at(new URL(target).pathname)).toHaveLength(0);
    await stillDelivers();
  });

  it('a receiver answering with 100 KB of headers: a failure, no crash', async () => {
    const url = evil.on('/big-headers', (_q, res) => {
      res.writeHead(200, Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`x-filler-${i}`, `${MARKER}${'h'.repeat(1000)}`])));
      res.end('ok');
    });
    const row = await outcome(await deliverTo(url));
    expect(row.status).toBe('failed');
    expect(row.last_error ?? '').not.toContain(MARKER);
    await stillDelivers();
  });

  it('a receiver that answers garbage instead of HTTP: a failure that does not echo the garbage', async () => {
    const raw = net.createServer((socket) => {
      socket.on('data', () => undefined);
      socket.end(`${MARKER} this is not HTTP\r\n\r\n`);
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const row = await outcome(await deliverTo(`http://127.0.0.1:${(raw.address() as AddressInfo).port}/garbage`));
      expect(row.status).toBe('failed');
      expect(row.last_error ?? '').not.toContain(MARKER);
      await stillDelivers();
    } finally {
      await new Promise<void>((resolve) => raw.close(() => resolve()));
    }
  });

  it('a receiver that resets the connection mid-answer: a failure, then the worker keeps going', async () => {
    const url = evil.on('/reset', (req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial');
      setTimeout(() => req.socket.destroy(), 20);
    });
    const row = await outcome(await deliverTo(url));
    // A 200 whose body was cut off before its announced length is not a confirmed delivery.
    expect(row.status).toBe('failed');
    await stillDelivers();
  });

  it('sixteen stalled receivers at once (the worker\'s whole capacity) do not starve a healthy one forever', async () => {
    const url = evil.on('/stall-all', () => undefined);
    const ids = await Promise.all(Array.from({ length: 16 }, () => deliverTo(url)));
    await stillDelivers();
    for (const id of ids) expect((await outcome(id)).status).toBe('failed');
  });
});
