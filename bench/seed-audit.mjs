// Writes N sealed audit events (default 1,000,000) as COPY text to stdout, for
//   COPY audit_events (id, seq, occurred_at, …, prev_hash, hash, sealed_at) FROM STDIN
// The chain is Rapport's own: the hash comes from the compiled dist/src/audit/audit-hash.js (run `npm run build`
// first), over each row in the form the columns return it. Deterministic: the same N gives the same rows and hashes.
//   node bench/seed-audit.mjs --count 1000000 --interactions 500000 | psql -d rapport_bench -c "COPY … FROM STDIN"
// Events: contact creations and updates (contact_id set; before/after hold a stand-in for values sealed under the
// contact's key, as Rapport writes them), consent grants, interaction creations, organisation creations and
// disclosures, oldest first, one every 30 s from 2024-01-01; sealed 20–200 ms after they occurred.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { auditHash, GENESIS_HASH } = await import(pathToFileURL(path.join(root, 'dist/src/audit/audit-hash.js')).href);
const { values: a } = parseArgs({ options: {
  count: { type: 'string', default: '1000000' }, interactions: { type: 'string', default: '500000' },
  contacts: { type: 'string', default: '100000' }, orgs: { type: 'string', default: '10000' },
} });
const N = Number(a.count), NI = Math.max(1, Number(a.interactions)), NC = Number(a.contacts), NO = Number(a.orgs);

// bench_uuid() of seed.sql: md5 with the version nibble '4' and the variant nibble '8'.
const uuid = (s) => {
  const h0 = createHash('md5').update(s).digest('hex');
  const h = `${h0.slice(0, 12)}4${h0.slice(13, 16)}8${h0.slice(17)}`;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
// A stand-in for a value sealed under a contact's key (base64 of the right length; nobody can open it).
const sealed = (s) => ({ sealed: createHash('sha512').update(s).digest('base64') + createHash('sha256').update(s).digest('base64') });
const PURPOSES = ['marketing_email', 'analytics', 'partner_sharing', 'research', 'newsletter', 'profiling'];
const T0 = Date.UTC(2024, 0, 1);
const USER = uuid('user-1');
const ADMIN = 'admin-key';

function event(n) {
  const c = 1 + ((n * 13) % NC);
  const contact = uuid(`contact-${c}`);
  const base = { actor_type: 'user', actor_id: USER, request_id: `bench-${Math.floor(n / 3)}` };
  switch (n % 10) {
    case 0: case 1: case 2:
      return { ...base, action: 'create', entity_type: 'contact', entity_id: contact, contact_id: contact, before: null, after: sealed(`c${n}`) };
    case 3: case 4:
      return { ...base, action: 'update', entity_type: 'contact', entity_id: contact, contact_id: contact, before: sealed(`b${n}`), after: sealed(`a${n}`) };
    case 5: case 6:
      return { ...base, action: 'create', entity_type: 'consent', entity_id: uuid(`consent-${c}-${n % 3}`), contact_id: contact, before: null,
        after: sealed(`k${n}`) };
    case 7: case 8: {
      const i = 1 + (n % NI);
      return { ...base, action: 'create', entity_type: 'interaction', entity_id: uuid(`interaction-${i}`), contact_id: null, before: null,
        after: { id: uuid(`interaction-${i}`), type: 'meeting', summary: `Seeded interaction ${i}`, contactIds: [contact], reciprocity: 'exchange', version: 1 } };
    }
    default: {
      if (n % 20 === 9) {
        const o = 1 + (n % NO);
        return { ...base, actor_type: 'api_key', actor_id: ADMIN, action: 'create', entity_type: 'organisation', entity_id: uuid(`org-${o}`), contact_id: null,
          before: null, after: { id: uuid(`org-${o}`), name: `Organisation ${o}`, kind: 'company', version: 1 } };
      }
      return { ...base, action: 'disclose', entity_type: 'disclosure', entity_id: uuid(`disclosure-${n}`), contact_id: null, before: null,
        after: { purpose: PURPOSES[n % 6], recipientId: uuid('recipient-1'), contacts: 1 + (n % 1000) } };
    }
  }
}

// COPY text format: backslash, tab, newline and carriage return escaped; \N is NULL.
const esc = (v) => (v === null || v === undefined ? '\\N' : String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r'));
const out = process.stdout;
let prev = GENESIS_HASH;
let chunk = [];
for (let n = 1; n <= N; n++) {
  const e = event(n);
  const occurred = new Date(T0 + n * 30_000 + (n % 1000));
  const row = { id: uuid(`audit-${n}`), seq: String(n), occurred_at: occurred, ...e, prev_hash: prev };
  // What the columns give back: jsonb parsed again (key order does not matter, canonicalJson sorts).
  const hash = auditHash({ ...row, before: row.before && JSON.parse(JSON.stringify(row.before)), after: row.after && JSON.parse(JSON.stringify(row.after)) });
  const sealedAt = new Date(occurred.getTime() + 20 + (n % 180));
  chunk.push([row.id, row.seq, occurred.toISOString(), row.actor_type, row.actor_id, row.action, row.entity_type, row.entity_id, row.contact_id,
    row.request_id, row.before && JSON.stringify(row.before), row.after && JSON.stringify(row.after), prev, hash, sealedAt.toISOString()].map(esc).join('\t'));
  prev = hash;
  if (chunk.length === 2000 || n === N) {
    if (!out.write(chunk.join('\n') + '\n')) await new Promise((r) => out.once('drain', r));
    chunk = [];
  }
}
process.stderr.write(`audit events: ${N}, head ${prev}\n`);
