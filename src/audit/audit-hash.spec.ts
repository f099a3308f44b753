import { createHash } from 'node:crypto';
import pg from 'pg';
import { auditContent, auditHash, GENESIS_HASH } from './audit-hash.js';
import { isoFromPgUtc } from './pg-timestamp.js';

/** canonicalJson as first written (common/canonical-json.ts is now plain loops; the text must not change). */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The hash as first defined: canonicalJson of the content object (every sealed chain was hashed this way). */
function reference(row: Parameters<typeof auditHash>[0]): string {
  const content = canonicalJson({
    id: row.id,
    seq: String(row.seq),
    occurredAt: new Date(row.occurred_at).toISOString(),
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    contactId: row.contact_id,
    ...(row.subject_contact_ids?.length ? { subjectContactIds: row.subject_contact_ids } : {}),
    requestId: row.request_id,
    before: row.before ?? null,
    after: row.after ?? null,
  });
  return createHash('sha256').update(row.prev_hash).update('\n').update(content).digest('hex');
}

const base = {
  id: '0f8fad5b-d9cb-469f-a165-70867728950e',
  seq: '42',
  occurred_at: new Date('2026-11-30T07:00:00.123Z'),
  actor_type: 'user',
  actor_id: 'a1',
  action: 'create',
  entity_type: 'contact',
  entity_id: '0f8fad5b-d9cb-469f-a165-70867728950e',
  contact_id: null,
  subject_contact_ids: null,
  request_id: 'req "quoted" \\ \u2028',
  before: null,
  after: { z: 1, a: [{ y: 'é', b: null, B: 2, '10': true, '9': [] }], m: { sealed: 'x', u: undefined }, d: new Date(0), 'ä': 1.5 },
  prev_hash: GENESIS_HASH,
};

describe('auditHash', () => {
  it.each([
    ['a full row', base],
    ['nulls everywhere', { ...base, actor_id: null, entity_id: null, request_id: null, after: null }],
    [
      'undefined members (left out, as canonicalJson does)',
      { ...base, actor_id: undefined, before: undefined },
    ],
    [
      'a string occurred_at and a numeric seq',
      { ...base, occurred_at: '2026-11-30 07:00:00.123+00', seq: 7 },
    ],
    ['before and after', { ...base, before: { sealed: 'abc' }, after: { erased: true } }],
    ['the other contacts it is about', { ...base, subject_contact_ids: ['1b4e28ba-2fa1-41d2-883f-0016d3cca427', '6fa459ea-ee8a-4ca4-894e-db77e160355e'] }],
  ])('is canonicalJson of the content object: %s', (_name, row) => {
    const r = row as unknown as Parameters<typeof auditHash>[0];
    expect(auditHash(r)).toBe(reference(r));
    expect(JSON.parse(auditContent(r))).toBeTruthy();
  });

  it('changes with any hashed field', () => {
    expect(auditHash({ ...base, action: 'update' })).not.toBe(auditHash(base));
    expect(auditHash({ ...base, after: { z: 2 } })).not.toBe(auditHash(base));
    expect(auditHash({ ...base, subject_contact_ids: ['1b4e28ba-2fa1-41d2-883f-0016d3cca427'] })).not.toBe(auditHash(base));
  });

  it('hashes an event without other contacts exactly as events were hashed before the column existed', () => {
    const { subject_contact_ids: _none, ...before } = base;
    expect(auditHash({ ...base, subject_contact_ids: [] })).toBe(auditHash(base));
    expect(auditHash(before as typeof base)).toBe(auditHash(base));
  });
});

describe('isoFromPgUtc', () => {
  const pgParse = pg.types.getTypeParser(1184, 'text') as (text: string) => Date;

  it('gives what pg parsing then toISOString gives, for every millisecond and microsecond fractions', () => {
    const texts: string[] = ['2026-11-30 07:00:00+00', '1999-12-31 23:59:59.9+00', '2024-02-29 12:00:00.5+00'];
    for (let ms = 0; ms < 1000; ms++) texts.push(`2024-01-01 00:00:30.${String(ms).padStart(3, '0')}+00`);
    for (let k = 0; k < 5000; k++) {
      const us = String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0').replace(/0+$/, '') || '0';
      texts.push(`2025-06-15 13:45:07.${us}+00`);
    }
    for (const text of texts) expect([text, isoFromPgUtc(text)]).toEqual([text, pgParse(text).toISOString()]);
  });

  it('leaves other forms to pg', () => {
    expect(isoFromPgUtc('2026-11-30 08:00:00.123+01')).toBeUndefined();
    expect(isoFromPgUtc('infinity')).toBeUndefined();
    expect(isoFromPgUtc('0044-03-15 12:00:00+00 BC')).toBeUndefined();
  });

  it('hashes the same as the Date it stands for', () => {
    const text = '2026-11-30 07:00:00.123456+00';
    expect(auditHash({ ...base, occurred_at: isoFromPgUtc(text) as string })).toBe(auditHash({ ...base, occurred_at: pgParse(text) }));
  });
});
