import { randomUUID } from 'node:crypto';
import type { Answer, AppProcess } from './support.js';
import { sleep, sql } from './support.js';

/**
 * A concurrent write load through the API that keeps a ledger of what the API acknowledged (2xx and the ids),
 * so a crash test can check afterwards that every acknowledged write is in the database.
 */

export const PURPOSE = 'newsletter';
export const IMPORT_ROWS = 4;

export type Op = 'contact' | 'consent' | 'withdraw' | 'disclose' | 'interaction' | 'import';

export class Ledger {
  contacts: string[] = [];
  consents: { id: string; contactId: string }[] = [];
  /** Consents with a withdrawal in flight or acknowledged (never withdrawn twice). */
  private taken = new Set<string>();
  withdrawn: string[] = [];
  disclosures: { id: string; disclosed: string[]; withheld: string[] }[] = [];
  interactions: string[] = [];
  /** Every import sent (acknowledged or not): its rows share a family name, so all or none must exist. */
  imports: { tag: string; created?: string[] }[] = [];
  /** "op status" → count, for the report and for what must never happen. */
  statuses = new Map<string, number>();
  /** Answers that must never happen: a 500, a malformed 503, an unexpected 4xx. */
  bad: string[] = [];
  constructor(readonly recipientId: string) {}

  count(op: Op, a: Answer): void {
    const k = `${op} ${a.status}`;
    this.statuses.set(k, (this.statuses.get(k) ?? 0) + 1);
  }

  pickContacts(n: number): string[] {
    const out = new Set<string>();
    for (let i = 0; i < n && this.contacts.length; i++) out.add(this.contacts[Math.floor(Math.random() * this.contacts.length)]);
    return [...out];
  }

  takeConsent(): { id: string; contactId: string } | undefined {
    const free = this.consents.filter((c) => !this.taken.has(c.id));
    const c = free[Math.floor(Math.random() * free.length)];
    if (c) this.taken.add(c.id);
    return c;
  }

  release(consentId: string): void {
    this.taken.delete(consentId);
  }

  summary(): string {
    return [...this.statuses.entries()].sort().map(([k, v]) => `${k}: ${v}`).join(', ');
  }
}

const weights: [Op, number][] = [
  ['contact', 3],
  ['consent', 3],
  ['withdraw', 1],
  ['disclose', 3],
  ['interaction', 2],
  ['import', 1],
];

function pickOp(ops: [Op, number][]): Op {
  const total = ops.reduce((n, [, w]) => n + w, 0);
  let r = Math.random() * total;
  for (const [op, w] of ops) if ((r -= w) < 0) return op;
  return ops[0][0];
}

/** Accepted without being a success: the database or the app is away (503 / no answer), or a lost race (409). */
function acceptable(a: Answer, appMayBeDown: boolean): boolean {
  if (a.status === 503) return a.body?.code === 'SERVICE_UNAVAILABLE' && Number(a.headers.get('retry-after')) >= 1;
  if (a.status === 0) return appMayBeDown;
  return a.status === 409 && a.body?.code === 'CONCURRENT_UPDATE';
}

async function one(app: AppProcess, ledger: Ledger, op: Op, appMayBeDown: boolean): Promise<Answer | undefined> {
  const tag = randomUUID().slice(0, 8);
  let a: Answer;
  let ok: number;
  switch (op) {
    case 'contact':
      a = await app.call('POST', '/contacts', { body: { givenName: 'Load', familyName: `C${tag}`, emails: [{ address: `c-${tag}@example.org` }] } });
      ok = 201;
      if (a.status === ok) ledger.contacts.push(a.body.id);
      break;
    case 'consent': {
      const [contactId] = ledger.pickContacts(1);
      if (!contactId) return undefined;
      a = await app.call('POST', `/contacts/${contactId}/consents`, { body: { purpose: PURPOSE, method: 'web_form', noticeVersion: 'v1' } });
      ok = 201;
      if (a.status === ok) ledger.consents.push({ id: a.body.id, contactId });
      break;
    }
    case 'withdraw': {
      const c = ledger.takeConsent();
      if (!c) return undefined;
      a = await app.call('POST', `/consents/${c.id}/withdraw`, { body: {} });
      ok = 200;
      if (a.status === ok) ledger.withdrawn.push(c.id);
      // Not acknowledged: it may or may not have happened, so it is never tried again (a 409 would not tell).
      break;
    }
    case 'disclose': {
      const contactIds = ledger.pickContacts(3);
      if (!contactIds.length) return undefined;
      a = await app.call('POST', '/disclosures', { body: { purpose: PURPOSE, recipientId: ledger.recipientId, contactIds } });
      ok = 201;
      if (a.status === ok) {
        ledger.disclosures.push({
          id: a.body.id,
          disclosed: (a.body.disclosed as { contactId: string }[]).map((d) => d.contactId),
          withheld: (a.body.withheld as { contactId: string }[]).map((d) => d.contactId),
        });
      }
      break;
    }
    case 'interaction': {
      const contactIds = ledger.pickContacts(2);
      if (!contactIds.length) return undefined;
      a = await app.call('POST', '/interactions', { body: { type: 'call', occurredAt: new Date().toISOString(), summary: `load ${tag}`, contactIds } });
      ok = 201;
      if (a.status === ok) ledger.interactions.push(a.body.id);
      break;
    }
    case 'import': {
      const family = `I${tag}`;
      const csv = ['givenName,familyName,email', ...Array.from({ length: IMPORT_ROWS }, (_, i) => `Row${i},${family},i-${tag}-${i}@example.org`)].join('\n') + '\n';
      const entry: { tag: string; created?: string[] } = { tag: family };
      ledger.imports.push(entry);
      a = await app.call('POST', '/contacts/import', { raw: csv, contentType: 'text/csv' });
      ok = 200;
      if (a.status === ok) {
        entry.created = a.body.created;
        ledger.contacts.push(...(a.body.created as string[]));
      }
      break;
    }
  }
  ledger.count(op, a);
  if (a.status !== ok && !acceptable(a, appMayBeDown)) ledger.bad.push(`${op}: ${a.status} ${JSON.stringify(a.body)?.slice(0, 300)}`);
  return a;
}

/** Runs `workers` concurrent loops against `app` until `stop()` is called; `appMayBeDown`: the app itself will be killed. */
export function runLoad(app: AppProcess, ledger: Ledger, opts: { workers: number; ops?: [Op, number][]; appMayBeDown?: boolean }) {
  let stopped = false;
  const loops = Array.from({ length: opts.workers }, async () => {
    while (!stopped) {
      const a = await one(app, ledger, pickOp(opts.ops ?? weights), !!opts.appMayBeDown);
      if (!a || a.status === 503 || a.status === 0) await sleep(50);
    }
  });
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/**
 * Every acknowledged write is in the database; each import is all or nothing; no disclosure was answered without
 * its record (the disclosure, one decision per contact, the audit event); the audit chain verifies.
 */
export async function verifyLedger(url: string, app: AppProcess, ledger: Ledger): Promise<string[]> {
  const problems: string[] = [];
  const missing = async (table: string, ids: string[]) => {
    const rows = await sql<{ id: string }>(url, `SELECT id FROM ${table} WHERE id = ANY($1::uuid[])`, [ids]);
    const found = new Set(rows.map((r) => r.id));
    return ids.filter((id) => !found.has(id));
  };
  const m = async (what: string, table: string, ids: string[]) => {
    const lost = await missing(table, ids);
    if (lost.length) problems.push(`${lost.length} of ${ids.length} acknowledged ${what} are missing: ${lost.slice(0, 3).join(', ')}`);
  };
  await m('contacts', 'contacts', ledger.contacts);
  await m('consents', 'consents', ledger.consents.map((c) => c.id));
  await m('interactions', 'interactions', ledger.interactions);
  await m('disclosures', 'disclosures', ledger.disclosures.map((d) => d.id));

  const notWithdrawn = await sql<{ id: string }>(url, `SELECT id FROM consents WHERE id = ANY($1::uuid[]) AND (status <> 'withdrawn' OR withdrawn_at IS NULL)`, [ledger.withdrawn]);
  if (notWithdrawn.length) problems.push(`${notWithdrawn.length} acknowledged withdrawals are not recorded`);

  // Each answered disclosure: its decisions are the ones recorded, and its audit event exists.
  const ids = ledger.disclosures.map((d) => d.id);
  const items = await sql<{ disclosure_id: string; requested_contact_id: string; allowed: boolean }>(
    url,
    'SELECT disclosure_id, requested_contact_id, allowed FROM disclosure_items WHERE disclosure_id = ANY($1::uuid[])',
    [ids],
  );
  const audited = new Set(
    (await sql<{ entity_id: string }>(url, `SELECT entity_id FROM audit_events WHERE action = 'disclose' AND entity_id = ANY($1::text[])`, [ids])).map(
      (r) => r.entity_id,
    ),
  );
  for (const d of ledger.disclosures) {
    const recorded = items.filter((i) => i.disclosure_id === d.id);
    const allowed = recorded.filter((i) => i.allowed).map((i) => i.requested_contact_id).sort();
    const refused = recorded.filter((i) => !i.allowed).map((i) => i.requested_contact_id).sort();
    if (JSON.stringify(allowed) !== JSON.stringify([...d.disclosed].sort()) || JSON.stringify(refused) !== JSON.stringify([...d.withheld].sort())) {
      problems.push(`disclosure ${d.id} answered ${d.disclosed.length} disclosed/${d.withheld.length} withheld, recorded ${allowed.length}/${refused.length}`);
    }
    if (!audited.has(d.id)) problems.push(`disclosure ${d.id} has no audit event`);
  }

  // Imports: all rows or none; an acknowledged one, all of them with the answered ids.
  const counts = new Map(
    (
      await sql<{ family_name: string; n: string }>(url, 'SELECT family_name, count(*) AS n FROM contacts WHERE family_name = ANY($1::text[]) GROUP BY family_name', [
        ledger.imports.map((i) => i.tag),
      ])
    ).map((r) => [r.family_name, Number(r.n)]),
  );
  for (const imp of ledger.imports) {
    const n = counts.get(imp.tag) ?? 0;
    if (n !== 0 && n !== IMPORT_ROWS) problems.push(`import ${imp.tag} is half written: ${n} of ${IMPORT_ROWS} rows`);
    if (imp.created && n !== IMPORT_ROWS) problems.push(`acknowledged import ${imp.tag} has ${n} of ${IMPORT_ROWS} rows`);
  }

  const verify = await app.call('GET', '/audit-events/verify');
  if (verify.status !== 200 || verify.body?.valid !== true) problems.push(`audit chain: ${verify.status} ${JSON.stringify(verify.body)}`);
  return problems;
}

/** The purpose and recipient the load discloses under (consent basis). */
export async function seed(app: AppProcess, webhookUrl?: string): Promise<{ id: string; secret: string }> {
  const purpose = await app.call('POST', '/purposes', {
    body: { key: PURPOSE, name: 'Newsletter', description: 'Monthly newsletter', legalBasis: 'consent', dataCategories: ['givenName', 'familyName', 'emails'] },
  });
  if (purpose.status !== 201) throw new Error(`purpose: ${purpose.status} ${JSON.stringify(purpose.body)}`);
  const recipient = await app.call('POST', '/recipients', { body: { name: 'Mailer', kind: 'internal_tool', ...(webhookUrl ? { webhookUrl } : {}) } });
  if (recipient.status !== 201) throw new Error(`recipient: ${recipient.status} ${JSON.stringify(recipient.body)}`);
  return { id: recipient.body.id, secret: recipient.body.secret };
}
