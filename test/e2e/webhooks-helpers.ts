import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { CryptoService } from '../../src/crypto/crypto.service.js';
import type { TestApp } from '../setup/test-app.js';

export interface ReceivedWebhook {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A queued answer that never comes: the request hangs. */
export const HANG = 0;

/** A real HTTP receiver on 127.0.0.1: answers each path with the queued status codes, then 200. */
export class Receiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly plans = new Map<string, number[]>();
  private server!: http.Server;
  port = 0;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const plan = this.plans.get(path);
        const status = plan && plan.length > 0 ? plan.shift()! : 200;
        this.received.push({
          path,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          status,
        });
        if (status === HANG) {
          return; // never answers (stop() closes the connection)
        }
        res.writeHead(status, { 'content-type': 'text/plain', ...(status >= 300 && status < 400 ? { location: '/redirected' } : {}) });
        res.end(status < 300 ? 'ok' : 'nope');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The next answers for a path (then 200). */
  answer(path: string, ...statuses: number[]): void {
    this.plans.set(path, statuses);
  }

  at(path: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls until `check` returns a truthy value (no timed assertion: the limit only ends a hung test). */
export async function waitFor<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  what: string,
  limitMs = 20_000,
): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await check();
    if (v) return v as T;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** Fixture rows written directly (the consent gate's API is not needed to produce disclosures). */
export class Fixtures {
  constructor(private readonly t: TestApp) {}

  async purpose(key: string): Promise<string> {
    const [r] = await this.t.sql<{ id: string }>(
      `INSERT INTO purposes (key, name, legal_basis, data_categories) VALUES ($1, $1, 'consent', '{givenName,familyName,emails}') RETURNING id`,
      [key],
    );
    return r.id;
  }

  async recipient(
    name: string,
    webhookUrl: string | null,
    opts: { retired?: boolean; secret?: string } = {},
  ): Promise<{ id: string; secret: string }> {
    const secret = opts.secret ?? newSecret();
    const sealed = this.t.app.get(CryptoService).seal(secret);
    const [r] = await this.t.sql<{ id: string }>(
      `INSERT INTO recipients (name, kind, webhook_url, webhook_secret_sealed, retired_at)
       VALUES ($1, 'internal_tool', $2, $3, CASE WHEN $4 THEN now() END) RETURNING id`,
      [name, webhookUrl, sealed, !!opts.retired],
    );
    return { id: r.id, secret };
  }

  async contact(givenName = 'Ada', familyName = 'Lovelace', email = 'ada@example.org'): Promise<string> {
    const [r] = await this.t.sql<{ id: string }>(
      `INSERT INTO contacts (given_name, family_name, emails) VALUES ($1, $2, $3::jsonb) RETURNING id`,
      [givenName, familyName, JSON.stringify([{ address: email }])],
    );
    return r.id;
  }

  /** A disclosure of the contacts to a recipient under a purpose, with one item per contact. */
  async disclosure(
    purposeId: string,
    recipientId: string,
    contacts: { id: string; allowed: boolean }[],
  ): Promise<string> {
    const [d] = await this.t.sql<{ id: string }>(
      `INSERT INTO disclosures (purpose_id, recipient_id, actor_type, receipt, receipt_kid, contact_count, disclosed_count)
       VALUES ($1, $2, 'api_key', 'test', 'test', $3, $4) RETURNING id`,
      [purposeId, recipientId, contacts.length, contacts.filter((c) => c.allowed).length],
    );
    let n = 0;
    for (const c of contacts) {
      await this.t.sql(
        `INSERT INTO disclosure_items (disclosure_id, item_no, contact_id, requested_contact_id, allowed, reason)
         VALUES ($1, $2, $3, $3, $4, $5)`,
        [d.id, n++, c.id, c.allowed, c.allowed ? 'consent_granted' : 'no_consent'],
      );
    }
    return d.id;
  }

  async consent(
    contactId: string,
    purposeId: string,
    obtainedAt: Date,
    expiresAt: Date | null,
    status = 'granted',
  ): Promise<string> {
    const [r] = await this.t.sql<{ id: string }>(
      `INSERT INTO consents (contact_id, purpose_id, status, method, notice_version, obtained_at, expires_at, withdrawn_at)
       VALUES ($1, $2, $3, 'web_form', 'v1', $4, $5, CASE WHEN $3 = 'withdrawn' THEN now() END) RETURNING id`,
      [contactId, purposeId, status, obtainedAt, expiresAt],
    );
    return r.id;
  }
}
