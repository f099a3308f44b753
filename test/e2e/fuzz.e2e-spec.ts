import type { OpenAPIObject, ParameterObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';
import fc from 'fast-check';
import { createHash, randomUUID } from 'node:crypto';
import type request from 'supertest';
import { buildOpenApiDocument } from '../../src/app.setup.js';
import { API, createTestApp, TestApp } from '../setup/test-app.js';
import { loadSwaggerPluginMetadata } from '../support/swagger-plugin-metadata.js';

/**
 * Issue 13, "proof under attack": every operation of the OpenAPI document is called with requests generated from
 * its parameters and request body schema, valid-shaped and hostile (wrong types, boundary numbers, huge strings,
 * NUL/RTL/combining marks, injection strings, deep nesting, nulls, extra fields, wrong content types, empty
 * bodies), with real ids of resources created first and sometimes random or malformed ones, mostly as admin and
 * sometimes as staff, compliance or an integration. For every answer:
 *  - never a 5xx;
 *  - every 4xx is application/problem+json `{type, title, status, detail}` (`errors`: `[{field, message}]`);
 *  - a body with a top-level field the endpoint does not know is never accepted (API.md: a 400);
 *  - after every rejected write (4xx to POST/PUT/PATCH/DELETE) the database is exactly as before (row counts and
 *    an md5 over every row of every table).
 *
 * Replay: a failure names the run's seed (`FUZZ_SEED=<n>`); the operations run in a fixed order and each derives
 * its fast-check seed from it, so `FUZZ_SEED=<n> npx jest test/e2e/fuzz.e2e-spec.ts` sends the same sequence
 * again. Without FUZZ_SEED every run draws a new seed, printed at the start. `FUZZ_RUNS` scales the number of
 * requests (default 1; the default run sends over 5,000 requests); `FUZZ_ONLY=<regex>` keeps only the operations
 * whose `METHOD /path` matches (a quick look: state built by the others is then missing, so not an exact replay).
 */

const BASE_SEED =
  process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
/** Only the operations whose `METHOD /path` matches (for a quick look; the full sequence is what replays exactly). */
const ONLY = process.env.FUZZ_ONLY ? new RegExp(process.env.FUZZ_ONLY) : undefined;
const RUNS_SCALE = process.env.FUZZ_RUNS !== undefined ? Number(process.env.FUZZ_RUNS) : 1;
if (!Number.isInteger(BASE_SEED)) {
  throw new Error(`FUZZ_SEED must be an integer, not ${process.env.FUZZ_SEED}`);
}
if (!(RUNS_SCALE > 0)) throw new Error(`FUZZ_RUNS must be a positive number, not ${process.env.FUZZ_RUNS}`);

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
const WRITES = new Set<Method>(['post', 'put', 'patch', 'delete']);
type Schema = SchemaObject | ReferenceObject;
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Operation {
  method: Method;
  path: string;
  id: string;
  params: ParameterObject[];
  /** Media types of the request body with their schema (none: the endpoint takes no body). */
  body: { type: string; schema: SchemaObject | undefined }[];
  /** A method the path does not declare. */
  undeclared?: boolean;
}

interface FuzzRequest {
  role: 'admin' | 'staff' | 'compliance' | 'integration' | 'none' | 'bogus';
  path: string;
  query: string;
  headers: Record<string, string>;
  /** undefined: no body; a string or Buffer is sent as it is. */
  body: string | Buffer | undefined;
  /** What the body is, for the failure report. */
  shown: unknown;
}

// ---------------------------------------------------------------------------------------------------------------
// Hostile values

const NUL = '\u0000';
const hostileStrings: string[] = [
  '',
  ' ',
  '\t\n',
  NUL,
  `a${NUL}b`,
  '\u202Eevil\u202C', // right-to-left override
  '\u200F\u200E', // RTL / LTR marks
  'e\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308', // combining marks
  'Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358\u0359\u035A\u035B\u035C\u035D\u035E\u035F\u0360\u0361'.repeat(
    20,
  ),
  '\uFEFF\u2028\u2029',
  '\uD800', // lone high surrogate
  '\uDC00x', // lone low surrogate
  '👩‍👩‍👧‍👦🏳️‍🌈',
  '𝕳𝖊𝖑𝖑𝖔',
  'ﷺ',
  "' OR 1=1 --",
  "'; DROP TABLE contacts; --",
  "1' AND pg_sleep(0) IS NULL --",
  '%',
  '_',
  '\\',
  '$1',
  '"},{"injected":true,"x":"',
  '{"__proto__":{"admin":true}}',
  '__proto__',
  'constructor',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-0',
  '1e308',
  'true',
  '0000-00-00',
  '2024-02-30',
  '2024-13-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00Z',
  '2024-01-01T00:00:00+25:00',
  '1970-01-01T00:00:00Z',
  '10000-01-01',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '{12345678-1234-1234-1234-123456789abc}',
  '12345678123412341234123456789abc',
  'not-a-uuid',
  'x'.repeat(257),
  'y'.repeat(5001),
  'z'.repeat(20_001),
  'w'.repeat(100_001),
  'a@b',
  'a@b.c'.padStart(400, 'a'),
  'mailto:x@example.com',
  'javascript:alert(1)',
  'http://127.0.0.1/',
  'https://[::1]/',
  'http://169.254.169.254/latest/meta-data/',
  '+4930123',
  '+99999999999999999999',
];
const hostileNumbers: number[] = [
  0,
  -1,
  1,
  1.5,
  -0.5,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53,
  Number.MAX_SAFE_INTEGER + 2,
  1e21,
  1e308,
  -1e308,
  5e-324,
  36501,
  201,
];

function deepNest(depth: number, array: boolean): Json {
  let v: Json = 'bottom';
  for (let i = 0; i < depth; i++) v = array ? [v] : { a: v };
  return v;
}

const hostileScalar: fc.Arbitrary<Json> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...hostileStrings) },
  { weight: 2, arbitrary: fc.constantFrom(...hostileNumbers) },
  { weight: 1, arbitrary: fc.constantFrom<Json>(null, true, false) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.double().filter((d) => Number.isFinite(d)) },
  { weight: 1, arbitrary: fc.integer() },
);

const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 8, arbitrary: hostileScalar },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Json>([], {}, [null], [''], [NUL], { '': null }, { [NUL]: 1 }, {
      __proto__: 1,
    } as Json),
  },
  { weight: 1, arbitrary: fc.array(hostileScalar, { maxLength: 5 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(fc.constantFrom('a', '__proto__', 'constructor', 'id', NUL, ''), hostileScalar, {
      maxKeys: 3,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      deepNest(20, true),
      deepNest(20, false),
      deepNest(40, true),
      deepNest(40, false),
    ),
  },
);

// ---------------------------------------------------------------------------------------------------------------
// Ids of real resources (filled in beforeAll, grown by the fuzzer's own successful creates)

type Kind =
  | 'contact'
  | 'organisation'
  | 'network'
  | 'purpose'
  | 'recipient'
  | 'consent'
  | 'interaction'
  | 'event'
  | 'followUp'
  | 'user'
  | 'apiKey'
  | 'disclosure'
  | 'webhookDelivery';
const pools: Record<Kind, string[]> = {
  contact: [],
  organisation: [],
  network: [],
  purpose: [],
  recipient: [],
  consent: [],
  interaction: [],
  event: [],
  followUp: [],
  user: [],
  apiKey: [],
  disclosure: [],
  webhookDelivery: [],
};
const purposeKeys: string[] = [];
const confirmationTokens: string[] = [];

/** Which pool the `{id}` of a path takes, from the path's first segment. */
const kindOfPath: Record<string, Kind> = {
  contacts: 'contact',
  organisations: 'organisation',
  purposes: 'purpose',
  recipients: 'recipient',
  consents: 'consent',
  interactions: 'interaction',
  events: 'event',
  'follow-ups': 'followUp',
  users: 'user',
  'api-keys': 'apiKey',
  disclosures: 'disclosure',
  'webhook-deliveries': 'webhookDelivery',
};

/** Which pool a body or query field naming an id takes. */
function kindOfField(name: string): Kind | undefined {
  const n = name.replace(/Ids?$/, '').toLowerCase();
  if (/^(contact|duplicate|membercontact)$/.test(n)) return 'contact';
  if (/^(organisation|memberorganisation|parent)$/.test(n)) return 'organisation';
  if (/^(user|owner|assignee|organiser|representative|participant|actor)$/.test(n)) return 'user';
  if (n === 'recipient') return 'recipient';
  if (n === 'event') return 'event';
  if (n === 'interaction') return 'interaction';
  if (n === 'consent') return 'consent';
  return undefined;
}

/** An index drawn by fast-check, resolved against the pool when the request is made (pools grow meanwhile). */
const pick = <T>(list: T[], n: number): T | undefined => (list.length ? list[n % list.length] : undefined);

const malformedIds = fc.constantFrom(
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  '12345678-1234-1234-1234-1234567890a', // one digit short
  '12345678-1234-1234-1234-1234567890abc', // one too long
  'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
  '1',
  '-1',
  '0x10',
  '%00',
  '%ZZ',
  '%2e%2e',
  '%E2%80%AE',
  "1'%20OR%20'1'%3D'1",
  '%7B%7D',
  'a'.repeat(300),
  '%F0%9F%92%A9',
  'null',
);

/** A path id: mostly a real one of the right kind, sometimes another kind's, upper-cased, random or malformed. */
function pathIdArb(kind: Kind | undefined): fc.Arbitrary<() => string> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.nat().map((n) => () => pick(pools[kind ?? 'contact'], n) ?? randomUUID()) },
    {
      weight: 2,
      arbitrary: fc.nat().map((n) => () => (pick(pools[kind ?? 'contact'], n) ?? randomUUID()).toUpperCase()),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...(Object.keys(pools) as Kind[])), fc.nat()).map(
        ([k, n]) =>
          () =>
            pick(pools[k], n) ?? randomUUID(),
      ),
    },
    { weight: 1, arbitrary: fc.uuid().map((u) => () => u) },
    { weight: 2, arbitrary: malformedIds.map((m) => () => m) },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Values from schemas: a deferred value (ids are looked up when the request is sent)

type Deferred = () => Json | undefined;
const now =
  (v: Json | undefined): Deferred =>
  () =>
    v;

let doc: OpenAPIObject;
function resolve(s: Schema | undefined): SchemaObject | undefined {
  let cur = s;
  for (let i = 0; i < 10 && cur && '$ref' in cur; i++) {
    cur = doc.components?.schemas?.[cur.$ref.split('/').pop()!];
  }
  if (!cur || '$ref' in cur) return undefined;
  if (cur.allOf?.length === 1) return { ...resolve(cur.allOf[0]), ...cur, allOf: undefined };
  return cur;
}

const dateLike = /(At|On|Since|Until|since|until|At$|^from$|^to$)$/;
const isoDate = fc
  .date({ min: new Date('2000-01-01'), max: new Date('2040-01-01'), noInvalidDate: true })
  .map((d) => d.toISOString());

/** A value of the right shape (it may still be refused: unknown keys, dangling ids, business rules). */
function validArb(s: Schema | undefined, name: string, depth: number): fc.Arbitrary<Deferred> {
  const schema = resolve(s);
  if (!schema || depth > 6) return fc.constant(now(null));
  if (schema.enum?.length) return fc.constantFrom(...(schema.enum as Json[])).map(now);
  const kind = kindOfField(name);
  const type = schema.type ?? (schema.properties ? 'object' : undefined);
  if (type === 'array') {
    const items = validArb(schema.items, name, depth + 1);
    const max = Math.min(schema.maxItems ?? 4, 4);
    return fc
      .array(items, { minLength: Math.min(schema.minItems ?? 0, max), maxLength: max })
      .map((arr) => () => arr.map((f) => f() ?? null));
  }
  if (type === 'object' || schema.properties) {
    const props = Object.entries(schema.properties ?? {});
    if (!props.length) {
      return fc
        .dictionary(fc.constantFrom('form', 'ip', 'ref', 'note'), fc.string({ maxLength: 20 }), {
          maxKeys: 3,
        })
        .map(now);
    }
    const required = new Set(schema.required ?? []);
    const record: Record<string, fc.Arbitrary<Deferred | undefined>> = {};
    for (const [k, v] of props) {
      const a = validArb(v, k, depth + 1);
      // Optional fields mostly left out, so that a valid-shaped body is often a valid one too.
      record[k] = required.has(k)
        ? a
        : fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });
    }
    return fc.record(record).map((r) => () => {
      const out: Record<string, Json> = {};
      for (const [k, f] of Object.entries(r)) {
        const v = f?.();
        if (v !== undefined) out[k] = v;
      }
      return out;
    });
  }
  if (type === 'boolean') return fc.boolean().map(now);
  if (type === 'number' || type === 'integer') {
    const min = schema.minimum ?? 0;
    const max = schema.maximum ?? 1000;
    return fc.integer({ min, max }).map(now);
  }
  // strings
  if (schema.format === 'uuid' || kind) {
    return fc.nat().map((n) => () => (kind ? (pick(pools[kind], n) ?? randomUUID()) : randomUUID()));
  }
  if (name === 'purpose') return fc.nat().map((n) => () => pick(purposeKeys, n) ?? 'newsletter');
  if (name === 'token') return fc.nat().map((n) => () => pick(confirmationTokens, n) ?? 'no-token');
  if (schema.format === 'email' || /email$/i.test(name)) return fc.emailAddress().map(now);
  if (schema.format === 'uri' || /url|website/i.test(name)) {
    return fc.domain().map((d) => now(`https://${d}/`));
  }
  if (/domain/i.test(name)) return fc.domain().map(now);
  if (name === 'key') return fc.stringMatching(/^[a-z][a-z0-9_-]{2,30}$/).map(now);
  if (schema.format === 'date-time' || dateLike.test(name)) return isoDate.map(now);
  if (name === 'number') return fc.constantFrom('+49 30 1234567', '+1 202 555 0143', '030 901820').map(now);
  const maxLength = Math.min(schema.maxLength ?? 60, 60);
  return fc
    .oneof(
      { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength }) },
    )
    .map(now);
}

/** Bodies carrying a top-level field their endpoint does not know: API.md makes every such request a 400. */
const unknownFieldBodies = new WeakSet<object>();

/** A hostile variant of a valid body: a field replaced, dropped, added, or the whole body replaced. */
function hostileBodyArb(schema: SchemaObject | undefined): fc.Arbitrary<Deferred> {
  const valid = validArb(schema, 'body', 0);
  const props = Object.keys(resolve(schema)?.properties ?? {});
  const field = props.length ? fc.constantFrom(...props) : fc.constant('x');
  return fc.oneof(
    // one field replaced by a hostile value
    {
      weight: 6,
      arbitrary: fc
        .tuple(valid, field, hostileValue)
        .map(([v, f, h]) => () => ({ ...(v() as Record<string, Json>), [f]: h })),
    },
    // one field's string blown up past its limit
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, field, fc.constantFrom(1000, 6000, 20_001, 100_001, 300_000))
        .map(([v, f, n]) => () => ({
          ...(v() as Record<string, Json>),
          [f]: 'é'.repeat(n),
        })),
    },
    // a nested field replaced (first array item or nested object)
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          valid,
          hostileValue,
          fc.constantFrom('address', 'number', 'label', 'score', 'note', 'linkedin'),
        )
        .map(([v, h, sub]) => () => {
          const b = v() as Record<string, Json>;
          for (const [k, val] of Object.entries(b)) {
            if (Array.isArray(val) && val.length) return { ...b, [k]: [h, ...val.slice(1)] };
            if (val && typeof val === 'object' && !Array.isArray(val)) {
              return { ...b, [k]: { ...val, [sub]: h } };
            }
          }
          return { ...b, [props[0] ?? 'x']: h };
        }),
    },
    // a required field dropped, or everything null
    {
      weight: 1,
      arbitrary: fc.tuple(valid, field).map(([v, f]) => () => {
        const b = { ...(v() as Record<string, Json>) };
        delete b[f];
        return b;
      }),
    },
    {
      weight: 1,
      arbitrary: valid.map((v) => () => Object.fromEntries(Object.keys(v() as object).map((k) => [k, null]))),
    },
    // extra fields (unknown, prototype keys, consent fields on a contact)
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          valid,
          fc.constantFrom(
            'extra',
            '__proto__',
            'constructor',
            'id',
            'version',
            'createdAt',
            'consent',
            'consents',
            'role',
            'deletedAt',
            'erasedAt',
            'A'.repeat(300),
          ),
          hostileValue,
        )
        .map(([v, k, h]) => () => {
          const b = { ...(v() as Record<string, Json>) };
          Object.defineProperty(b, k, { value: h, enumerable: true, configurable: true, writable: true });
          if (!props.includes(k)) unknownFieldBodies.add(b);
          return b;
        }),
    },
    // the whole body something else
    { weight: 2, arbitrary: hostileValue.map(now) },
    {
      weight: 1,
      arbitrary: fc
        .array(valid, { minLength: 1, maxLength: 2 })
        .map((arr) => () => arr.map((f) => f() ?? null)),
    },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Requests

const jsonTypes = [
  'application/json',
  'application/json; charset=utf-8',
  'application/merge-patch+json',
  'APPLICATION/JSON',
];
const wrongTypes = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'text/csv',
  'text/vcard',
  'application/octet-stream',
  'application/problem+json',
];

/** Raw bodies that are not (valid) JSON, or odd JSON. */
const rawBodies: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.constantFrom<string | Buffer>(
    '',
    '{',
    '{"a":',
    'null',
    '[]',
    '"string"',
    '123',
    'true',
    '{"a":1,"a":2}',
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    '\uFEFF{}',
    '{"x":"\\ud800"}',
    '{"x":"\\u0000"}',
    '{} {}',
    `${'['.repeat(5000)}${']'.repeat(5000)}`,
    `{"a":${'1'.repeat(400)}}`,
    Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), // invalid UTF-8 inside a string
  ),
  fc.string({ unit: 'binary', maxLength: 50 }),
);

const csvHeaders = [
  'givenName,familyName,email',
  'givenName,familyName,email,phone,organisation,tags',
  'given_name;family_name;email',
  'email',
  '',
  'a,b,c',
];
const csvBody = fc
  .tuple(
    fc.constantFrom(...csvHeaders),
    fc.array(
      fc.array(
        fc.oneof(fc.constantFrom(...hostileStrings), fc.emailAddress(), fc.string({ maxLength: 20 })),
        { maxLength: 6 },
      ),
      { maxLength: 6 },
    ),
  )
  .map(([h, rows]) =>
    [
      h,
      ...rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')),
    ].join('\r\n'),
  );
const vcardBody = fc
  .array(
    fc.tuple(
      fc.constantFrom('3.0', '4.0', '2.1', ''),
      fc.oneof(fc.constantFrom(...hostileStrings), fc.string({ maxLength: 20 })),
      fc.oneof(fc.emailAddress(), fc.constantFrom(...hostileStrings)),
    ),
    { maxLength: 4 },
  )
  .map(
    (cards) =>
      cards
        .map(
          ([v, fn, em]) =>
            `BEGIN:VCARD\r\nVERSION:${v}\r\nFN:${fn}\r\nN:${fn};${fn};;;\r\nEMAIL:${em}\r\nEND:VCARD`,
        )
        .join('\r\n') + (cards.length ? '' : 'BEGIN:VCARD\r\nVERSION:4.0'),
  );

const roleArb = fc.constantFrom<FuzzRequest['role']>(
  ...(Array(14).fill('admin') as 'admin'[]),
  'staff',
  'staff',
  'compliance',
  'compliance',
  'integration',
  'integration',
  'none',
  'bogus',
);

/** encodeURIComponent, except that a lone surrogate (which it refuses) goes out as its WTF-8 bytes (invalid UTF-8). */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...s]
      .map((ch) => {
        const c = ch.charCodeAt(0);
        if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff) {
          return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
            .map((x) => `%${x.toString(16).toUpperCase()}`)
            .join('');
        }
        return encodeURIComponent(ch);
      })
      .join('');
  }
}

/** Cursors: base64url JSON arrays of hostile or plausible keys (a keyset cursor is decoded and cast in SQL). */
const cursorArb: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      hostileScalar,
      isoDate,
      fc.uuid(),
      fc.constantFrom<Json>(
        '2026-01-01 10:00:00.123456+00',
        'infinity',
        '-infinity',
        'epoch',
        'now',
        '1e400',
      ),
    ),
    { maxLength: 4 },
  )
  .chain((arr) => fc.constantFrom(arr as Json, { a: arr } as Json, [arr] as Json))
  .map((v) => Buffer.from(JSON.stringify(v)).toString('base64url'));

function queryArb(op: Operation, hostileToo: boolean): fc.Arbitrary<() => string> {
  const qs = op.params.filter((p) => p.in === 'query');
  const one = (p: ParameterObject): fc.Arbitrary<[string, () => Json | undefined] | undefined> => {
    const valid = p.name === 'cursor' ? cursorArb.map(now) : validArb(p.schema, p.name, 1);
    const hostile =
      p.name === 'cursor' ? fc.oneof(hostileScalar, cursorArb).map(now) : hostileScalar.map(now);
    const value = hostileToo
      ? fc.oneof({ weight: 4, arbitrary: valid }, { weight: 2, arbitrary: hostile })
      : valid;
    return fc.option(
      value.map((v) => [p.name, v] as [string, () => Json | undefined]),
      { nil: undefined, freq: p.required ? 8 : 2 },
    );
  };
  const extra = !hostileToo
    ? fc.constant(undefined)
    : fc.option(
        fc
          .tuple(
            fc.constantFrom(
              'unknown',
              'limit',
              'cursor',
              '__proto__',
              'q[]',
              'limit[gt]',
              'consent',
              'offset',
            ),
            hostileScalar,
          )
          .map(([k, v]) => [k, now(v)] as [string, () => Json | undefined]),
        { nil: undefined, freq: 4 },
      );
  return fc
    .tuple(fc.tuple(...qs.map(one)), extra, hostileToo ? fc.boolean() : fc.constant(false))
    .map(([pairs, x, repeat]) => () => {
      const parts: string[] = [];
      for (const pair of [...pairs, x]) {
        if (!pair) continue;
        const v = pair[1]();
        if (v === undefined) continue;
        const s = typeof v === 'string' ? v : JSON.stringify(v);
        const enc = `${encode(pair[0])}=${encode(s.length > 3000 ? s.slice(0, 3000) : s)}`;
        parts.push(enc);
        if (repeat && parts.length === 1) parts.push(enc); // a repeated parameter arrives as an array
      }
      return parts.join('&');
    });
}

function requestArb(op: Operation): fc.Arbitrary<() => FuzzRequest> {
  const segments = op.path.split('/');
  const idKinds = segments.map((seg, i) => {
    if (!seg.startsWith('{')) return undefined;
    if (seg === '{id}') return kindOfPath[segments[i - 1]] ?? 'contact';
    return kindOfField(seg.slice(1, -1)) ?? 'contact';
  });
  const pathVariant = fc.oneof(
    { weight: 12, arbitrary: fc.constant((p: string) => p) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        (p: string) => `${p}/`,
        (p: string) => p.replace('/api/v1/', '/api/v1//'),
        (p: string) => `${p}%2F..`,
        (p: string) => `${p};x=1`,
        (p: string) => `${p}.json`,
        (p: string) => p.toUpperCase(),
      ),
    },
  );
  const pathArb = fc
    .tuple(
      fc.tuple(
        ...segments.map((seg, i) => (seg.startsWith('{') ? pathIdArb(idKinds[i]) : fc.constant(() => seg))),
      ),
      pathVariant,
    )
    .map(
      ([fs, variant]) =>
        () =>
          variant(fs.map((f) => f()).join('/')),
    );

  const jsonSchema = op.body.find((b) => b.type === 'application/json')?.schema;
  const streamed = op.body.filter((b) => b.type !== 'application/json').map((b) => b.type);

  type BodyPart = () => { body: string | Buffer | undefined; type: string | undefined; shown: unknown };
  const json =
    (d: Deferred, type = 'application/json'): BodyPart =>
    () => {
      const v = d();
      return { body: v === undefined ? undefined : JSON.stringify(v), type, shown: v };
    };
  const raw =
    (b: string | Buffer, type: string | undefined): BodyPart =>
    () => ({
      body: b,
      type,
      shown: Buffer.isBuffer(b)
        ? `<bytes ${b.toString('hex')}>`
        : b.length > 200
          ? `${b.slice(0, 200)}… (${b.length} chars)`
          : b,
    });

  const bodyChoices: { weight: number; arbitrary: fc.Arbitrary<BodyPart> }[] = [
    // no body at all, or an empty one
    { weight: 2, arbitrary: fc.constant(() => ({ body: undefined, type: undefined, shown: undefined })) },
    { weight: 2, arbitrary: fc.constantFrom(...jsonTypes).map((t) => raw('', t)) },
    // raw non-JSON or odd JSON with a JSON or a wrong media type
    {
      weight: 2,
      arbitrary: fc.tuple(rawBodies, fc.constantFrom(...jsonTypes, ...wrongTypes)).map(([b, t]) => raw(b, t)),
    },
    // a huge body (over 1 MiB)
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(1_100_000, 2_000_000)
        .map((n) => raw(JSON.stringify({ notes: 'x'.repeat(n) }), 'application/json')),
    },
  ];
  if (jsonSchema) {
    bodyChoices.push(
      { weight: 12, arbitrary: validArb(jsonSchema, 'body', 0).map((d) => json(d)) },
      { weight: 20, arbitrary: hostileBodyArb(jsonSchema).map((d) => json(d)) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(validArb(jsonSchema, 'body', 0), fc.constantFrom(...wrongTypes))
          .map(([d, t]) => json(d, t)),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(validArb(jsonSchema, 'body', 0), fc.constantFrom(...jsonTypes))
          .map(([d, t]) => json(d, t)),
      },
    );
  } else if (!streamed.length && WRITES.has(op.method)) {
    // an endpoint that takes no body: an empty object (allowed) or a body it must refuse
    bodyChoices.push(
      { weight: 6, arbitrary: fc.constant(json(now({}))) },
      { weight: 4, arbitrary: hostileValue.map((h) => json(now(h))) },
    );
  }
  if (streamed.includes('text/csv')) {
    bodyChoices.push({ weight: 16, arbitrary: csvBody.map((b) => raw(b, 'text/csv')) });
  }
  if (streamed.includes('text/vcard')) {
    bodyChoices.push({ weight: 16, arbitrary: vcardBody.map((b) => raw(b, 'text/vcard')) });
  }
  if (streamed.length) {
    bodyChoices.push({
      weight: 2,
      arbitrary: fc.constantFrom(...streamed).map((t) => raw(Buffer.from([0xff, 0xfe, 0xfd, 0x00, 0x0a]), t)),
    });
  }

  const bodyArb: fc.Arbitrary<BodyPart> =
    op.method === 'get' || op.method === 'delete'
      ? fc.oneof(
          {
            weight: 20,
            arbitrary: fc.constant<BodyPart>(() => ({ body: undefined, type: undefined, shown: undefined })),
          },
          ...bodyChoices.slice(1, 3),
        )
      : fc.oneof(...bodyChoices);

  const oddHeaders = fc.record(
    {
      accept: fc.constantFrom(
        'application/json',
        'application/pdf',
        'text/csv',
        'text/vcard',
        '*/*',
        'application/xml',
        'text/html;q=0.1, nonsense',
        '',
      ),
      'if-match': fc.constantFrom(
        '"1"',
        '"2"',
        '"999999999999999999999"',
        'W/"1"',
        '*',
        '"abc"',
        'garbage',
        '""',
        '"-1"',
      ),
      'idempotency-key': fc.constantFrom('k-1', 'k-2', 'x'.repeat(300), 'ké', ' '),
      'x-request-id': fc.constantFrom('a'.repeat(200), '../../x', 'ok-id'),
      'content-encoding': fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip'),
      'accept-charset': fc.constantFrom('utf-16', 'iso-8859-1', '*'),
    },
    { requiredKeys: [] },
  );
  const extraHeaders = fc.oneof(
    { weight: 3, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: oddHeaders },
  );

  const hostile = fc
    .tuple(roleArb, pathArb, queryArb(op, true), bodyArb, extraHeaders)
    .map(([role, p, q, b, h]) => (): FuzzRequest => {
      const bp = b();
      const headers: Record<string, string> = { ...h } as Record<string, string>;
      if (bp.type !== undefined) headers['content-type'] = bp.type;
      return { role, path: p(), query: q(), headers, body: bp.body, shown: bp.shown };
    });

  // Well-formed requests as admin with real ids, so that the fuzzer also gets past validation and changes state.
  const cleanPath = fc
    .tuple(
      ...segments.map((seg, i) =>
        seg.startsWith('{')
          ? fc.nat().map((n) => () => pick(pools[idKinds[i]!], n) ?? randomUUID())
          : fc.constant(() => seg),
      ),
    )
    .map((fs) => () => fs.map((f) => f()).join('/'));
  const cleanBody: fc.Arbitrary<BodyPart> = jsonSchema
    ? validArb(jsonSchema, 'body', 0).map((d) => json(d))
    : streamed.includes('text/csv')
      ? csvBody.map((b) => raw(b, 'text/csv'))
      : fc.constant(() => ({ body: undefined, type: undefined, shown: undefined }));
  const clean = fc.tuple(cleanPath, queryArb(op, false), cleanBody).map(([p, q, b]) => (): FuzzRequest => {
    const bp = b();
    return {
      role: 'admin' as const,
      path: p(),
      query: q(),
      headers: bp.type ? { 'content-type': bp.type } : {},
      body: bp.body,
      shown: bp.shown,
    };
  });
  return fc.oneof({ weight: 2, arbitrary: clean }, { weight: 3, arbitrary: hostile });
}

// ---------------------------------------------------------------------------------------------------------------

describe('Fuzzing every operation of the OpenAPI document (issue 13)', () => {
  let t: TestApp;
  const keys: Record<FuzzRequest['role'], string | undefined> = {
    admin: undefined,
    staff: undefined,
    compliance: undefined,
    integration: undefined,
    none: undefined,
    bogus: `rapk_${'0'.repeat(40)}`,
  };
  let operations: Operation[] = [];
  let snapshotSql = '';
  let totalRequests = 0;
  let rejectedWritesChecked = 0;
  const statuses = new Map<number, number>();

  /**
   * Row count and md5 of every row of every table, in one statement. Every table of the schema is included:
   * nothing legitimately changes on a rejected request here.
   *  - idempotency_keys: a claim is written in its own transaction before the handler runs, but a failed request
   *    releases it before the answer is sent, so a rejected request leaves no row behind: checked too.
   *  - users created on first sight come only from OIDC sign-ins, which this test does not make.
   *  - api_keys: authentication only reads (no last-used column is written).
   *  - audit_events: compared without the seal fields the sealer sets after commit (see below).
   *  - webhook_deliveries and consent_expiry_notices change in the background only through the webhook worker,
   *    which is off here (WORKERS_ENABLED=false) so that the checksum sees request effects alone.
   */
  const snapshot = async (): Promise<Map<string, string>> => {
    const rows = await t.sql<{ t: string; n: number; h: string | null }>(snapshotSql);
    return new Map(rows.map((r) => [r.t, `${r.n}:${r.h ?? ''}`]));
  };
  let cached: Map<string, string> | undefined;

  async function send(op: Operation, r: FuzzRequest): Promise<request.Response> {
    const url = `${r.path}${r.query ? `?${r.query}` : ''}`;
    let req = t.request()[op.method](url);
    const key = r.role === 'none' ? undefined : keys[r.role];
    if (key) req = req.set('X-API-Key', key);
    for (const [k, v] of Object.entries(r.headers)) req = req.set(k, v);
    if (r.body !== undefined) req = req.send(r.body);
    return req.timeout({ deadline: 60_000 });
  }

  function remember(op: Operation, res: request.Response): void {
    const body = res.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return;
    const id = typeof body.id === 'string' ? body.id : undefined;
    if (op.method === 'post' && res.status === 201 && id) {
      const segs = op.path.replace(API, '').split('/').filter(Boolean);
      const last = segs[segs.length - 1];
      const kind: Kind | undefined =
        segs.length === 1
          ? kindOfPath[segs[0]]
          : last === 'consents'
            ? 'consent'
            : last === 'memberships'
              ? undefined
              : undefined;
      if (kind) pools[kind].push(id);
      if (kind === 'purpose' && typeof body.key === 'string') purposeKeys.push(body.key);
      if (typeof body.confirmationToken === 'string') confirmationTokens.push(body.confirmationToken);
    }
  }

  /** The checks every answer must pass; returns a reason when one fails. */
  async function check(
    op: Operation,
    r: FuzzRequest,
    before: Map<string, string> | undefined,
  ): Promise<string | undefined> {
    let res: request.Response;
    try {
      res = await send(op, r);
    } catch (err) {
      return `no answer: ${(err as Error).message}`;
    }
    totalRequests++;
    if (process.env.FUZZ_DEBUG && res.status >= 400) {
      console.log(
        `${op.id} ${res.status} ${JSON.stringify(r.shown)?.slice(0, 300)} → ${JSON.stringify(res.body).slice(0, 400)}`,
      );
    }
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (res.status >= 500) return `answered ${res.status}: ${JSON.stringify(res.body)}`;
    if (
      res.status < 300 &&
      r.shown !== null &&
      typeof r.shown === 'object' &&
      unknownFieldBodies.has(r.shown)
    ) {
      return `accepted (${res.status}) a body with a field the endpoint does not know`;
    }
    if (res.status >= 400) {
      const type = res.headers['content-type'] ?? '';
      if (!/^application\/problem\+json/.test(type)) {
        return `${res.status} with Content-Type ${type}: ${res.text?.slice(0, 300)}`;
      }
      const p = res.body as Record<string, unknown>;
      if (
        typeof p?.type !== 'string' ||
        typeof p.title !== 'string' ||
        p.status !== res.status ||
        typeof p.detail !== 'string'
      ) {
        return `${res.status} problem lacks type/title/status/detail: ${JSON.stringify(p)}`;
      }
      if (p.errors !== undefined) {
        const errs = p.errors;
        if (
          !Array.isArray(errs) ||
          errs.some((e) => !e || typeof e.field !== 'string' || typeof e.message !== 'string')
        ) {
          return `${res.status} problem with malformed errors: ${JSON.stringify(errs)}`;
        }
      }
    }
    if (WRITES.has(op.method) && res.status >= 400 && before) {
      const after = await snapshot();
      const changed = [...after.keys()].filter((k) => after.get(k) !== before.get(k));
      if (changed.length) {
        cached = undefined;
        return `rejected ${res.status} (${JSON.stringify(res.body)}) but changed table(s) ${changed.join(', ')}`;
      }
      cached = after;
      rejectedWritesChecked++;
    } else {
      // A success (or any read, some of which write: an export is audited) may have changed anything.
      cached = undefined;
      remember(op, res);
    }
    return undefined;
  }

  beforeAll(async () => {
    console.log(`fuzz: FUZZ_SEED=${BASE_SEED} (set it to replay this run)`);
    t = await createTestApp({ env: { WORKERS_ENABLED: 'false' } });
    await loadSwaggerPluginMetadata();
    doc = buildOpenApiDocument(t.app);
    keys.admin = t.adminKey;

    const ok = async (res: request.Response | Promise<request.Response>, what: string) => {
      const r = await res;
      if (r.status >= 300) throw new Error(`seeding ${what}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body as Record<string, unknown> & { id: string };
    };
    const api = t.api();
    for (let i = 0; i < 3; i++) {
      const u = await ok(
        api.post('/users', { name: `Staff ${i}`, email: `staff${i}@example.com`, role: 'staff' }),
        'user',
      );
      pools.user.push(u.id);
    }
    const org = await ok(
      api.post('/organisations', { name: 'Acme GmbH', kind: 'company', website: 'https://acme.example' }),
      'organisation',
    );
    const org2 = await ok(
      api.post('/organisations', { name: 'Universität Zürich', kind: 'university', parentId: org.id }),
      'organisation',
    );
    const net = await ok(api.post('/organisations', { name: 'Digital Network', kind: 'network' }), 'network');
    pools.organisation.push(org.id, org2.id, net.id);
    pools.network.push(net.id);
    for (let i = 0; i < 6; i++) {
      const c = await ok(
        api.post('/contacts', {
          givenName: ['Ada', 'Jürgen', 'Zoë', 'محمد', 'Ada', 'Łukasz'][i],
          familyName: ['Lovelace', 'Müller', 'Dupont', 'علي', 'Lovelace', 'Wałęsa'][i],
          emails: [{ address: `person${i}@example.com`, label: 'work' }],
          phones: i % 2 ? [{ number: '+49 30 1234567' }] : [],
          organisationId: i < 3 ? org.id : org2.id,
          tags: ['fuzz'],
          ownerId: pools.user[0],
        }),
        'contact',
      );
      pools.contact.push(c.id);
    }
    for (const [key, basis] of [
      ['newsletter', 'consent'],
      ['partner_events', 'legitimate_interests'],
      ['contract_admin', 'contract'],
    ] as const) {
      const p = await ok(
        api.post('/purposes', {
          key,
          name: key,
          description: `Purpose ${key}`,
          legalBasis: basis,
          dataCategories: ['givenName', 'familyName', 'emails'],
          retentionDays: 365,
        }),
        'purpose',
      );
      pools.purpose.push(p.id);
      purposeKeys.push(key);
    }
    const rec = await ok(api.post('/recipients', { name: 'HR tool', kind: 'internal_tool' }), 'recipient');
    const rec2 = await ok(
      api.post('/recipients', {
        name: 'Partner',
        kind: 'partner_organisation',
        organisationId: org.id,
        webhookUrl: 'http://127.0.0.1:9/hook',
      }),
      'recipient',
    );
    pools.recipient.push(rec.id, rec2.id);
    keys.staff = await t.createKey('staff');
    keys.compliance = await t.createKey('compliance');
    keys.integration = await t.createKey('integration', { recipientId: rec.id });
    // Spare keys for the fuzzer to read and revoke (never the ones it calls with).
    for (let i = 0; i < 3; i++) {
      pools.apiKey.push(
        (await ok(api.post('/api-keys', { name: `spare ${i}`, role: 'staff' }), 'api key')).id,
      );
    }
    for (const [i, c] of pools.contact.slice(0, 4).entries()) {
      const consent = await ok(
        api.post(`/contacts/${c}/consents`, {
          purpose: 'newsletter',
          method: i === 3 ? 'email_double_opt_in' : 'web_form',
          noticeVersion: 'v1',
          ...(i === 3 ? { confirmed: false } : {}),
          ...(i === 1 ? { recipientIds: [rec.id] } : {}),
        }),
        'consent',
      );
      pools.consent.push(consent.id);
      if (typeof consent.confirmationToken === 'string') confirmationTokens.push(consent.confirmationToken);
    }
    const ev = await ok(
      api.post('/events', {
        name: 'Summit',
        startsAt: '2026-03-01T09:00:00Z',
        endsAt: '2026-03-01T18:00:00Z',
        location: 'Berlin',
        representativeIds: [pools.user[0]],
      }),
      'event',
    );
    pools.event.push(ev.id);
    for (const [i, c] of pools.contact.slice(0, 3).entries()) {
      const it = await ok(
        api.post('/interactions', {
          type: 'meeting',
          occurredAt: `2026-0${i + 1}-10T10:00:00Z`,
          summary: `Met ${i}`,
          contactIds: [c],
          organisationIds: [org.id],
          eventId: ev.id,
          confidential: i === 2,
          followUp: { dueAt: '2026-06-01T00:00:00Z', assigneeId: pools.user[1], note: 'call back' },
        }),
        'interaction',
      );
      pools.interaction.push(it.id);
    }
    pools.followUp.push(
      (
        await ok(
          api.post('/follow-ups', { contactId: pools.contact[0], dueAt: '2026-07-01T00:00:00Z', note: 'x' }),
          'follow-up',
        )
      ).id,
    );
    const fus = await t.sql<{ id: string }>('SELECT id FROM follow_ups');
    for (const f of fus) if (!pools.followUp.includes(f.id)) pools.followUp.push(f.id);
    await ok(
      api.post(`/organisations/${net.id}/memberships`, { memberOrganisationId: org.id, role: 'member' }),
      'membership',
    );
    await ok(
      api.post(`/contacts/${pools.contact[0]}/affiliations`, {
        organisationId: org2.id,
        jobTitle: 'Professor',
      }),
      'affiliation',
    );
    const disc = await ok(
      api.post('/disclosures', {
        purpose: 'newsletter',
        recipientId: rec2.id,
        contactIds: pools.contact.slice(0, 3),
      }),
      'disclosure',
    );
    pools.disclosure.push(disc.id);
    // A withdrawal queues a webhook delivery to rec2 (the worker is off: it stays queued).
    await ok(api.post(`/consents/${pools.consent[0]}/withdraw`, { reason: 'fuzz' }), 'withdrawal');
    for (const d of await t.sql<{ id: string }>('SELECT id FROM webhook_deliveries')) {
      pools.webhookDelivery.push(d.id);
    }

    // Every table of the public schema.
    const tables = await t.sql<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    // audit_events: the sealer sets the seal fields of committed events in the background (issue 11); what a
    // rejected request must not do is add an event or change one's content, so the seal fields are left out.
    const rowText = (n: string) =>
      n === 'audit_events' ? `(to_jsonb(x) - 'seq' - 'prev_hash' - 'hash' - 'sealed_at')::text` : 'x::text';
    snapshotSql = tables
      .map(
        ({ table_name: n }) =>
          `SELECT '${n}' AS t, count(*)::int AS n, md5(string_agg(md5(${rowText(n)}), '' ORDER BY md5(${rowText(n)}))) AS h FROM "${n}" x`,
      )
      .join(' UNION ALL ');

    // The operations, in a fixed order: creates first, reads, then changes, then destruction (so that the
    // resources the others need are not all gone early).
    const rank = (m: Method, p: string) =>
      /\/(erase|merge)$/.test(p)
        ? 6
        : m === 'delete'
          ? 5
          : m === 'post' && !p.includes('{')
            ? 0
            : m === 'get'
              ? 1
              : m === 'post'
                ? 2
                : 3;
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const m of ['get', 'post', 'put', 'patch', 'delete'] as Method[]) {
        const o = item[m];
        if (!o) continue;
        const params = (o.parameters ?? []).filter((x): x is ParameterObject => !('$ref' in x));
        const rb = o.requestBody && !('$ref' in o.requestBody) ? o.requestBody : undefined;
        const body = Object.entries(rb?.content ?? {}).map(([type, media]) => ({
          type,
          schema: resolve(media.schema),
        }));
        operations.push({ method: m, path: p, id: `${m.toUpperCase()} ${p}`, params, body });
      }
      // The methods a path does not declare (a 404 or 405 problem, and nothing written).
      for (const m of ['post', 'put', 'patch', 'delete'] as Method[]) {
        if (!item[m]) {
          operations.push({
            method: m,
            path: p,
            id: `${m.toUpperCase()} ${p} (undeclared)`,
            params: [],
            body: [],
            undeclared: true,
          });
        }
      }
    }
    if (ONLY) operations = operations.filter((o) => ONLY.test(o.id));
    operations = operations
      .map((o, i) => ({ o, i }))
      .sort((a, b) => rank(a.o.method, a.o.path) - rank(b.o.method, b.o.path) || a.i - b.i)
      .map((x) => x.o);
  }, 600_000);

  afterAll(async () => {
    console.log(
      `fuzz: ${totalRequests} requests over ${operations.length} operations, ${rejectedWritesChecked} rejected writes checked ` +
        `against the database (FUZZ_SEED=${BASE_SEED}); statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
    );
    await t?.close();
  });

  it('the document has operations to fuzz, with request body schemas', () => {
    if (!ONLY) expect(operations.filter((o) => !o.undeclared).length).toBeGreaterThan(80);
    const withProps = operations.filter(
      (o) =>
        Object.keys(o.body.find((b) => b.type === 'application/json')?.schema?.properties ?? {}).length > 0,
    );
    // Under jest without the Swagger plugin's metadata these would be empty: nothing to fuzz.
    if (!ONLY) expect(withProps.length).toBeGreaterThan(25);
  });

  it('every operation survives generated and hostile requests', async () => {
    const failures: string[] = [];
    for (const [index, op] of operations.entries()) {
      const runs = Math.max(
        1,
        Math.round((op.undeclared ? 3 : op.body.length ? 90 : WRITES.has(op.method) ? 60 : 40) * RUNS_SCALE),
      );
      const seed =
        (BASE_SEED + parseInt(createHash('sha256').update(op.id).digest('hex').slice(0, 7), 16) + index) | 0;
      let failed = '';
      const property = fc.asyncProperty(requestArb(op), async (make) => {
        const r = make();
        const before = WRITES.has(op.method) ? (cached ?? (await snapshot())) : undefined;
        const problem = await check(op, r, before);
        if (problem) {
          failed = `${op.method.toUpperCase()} ${r.path}${r.query ? `?${r.query}` : ''} as ${r.role}, headers ${JSON.stringify(r.headers)}, body ${JSON.stringify(r.shown)?.slice(0, 2000)}\n  → ${problem}`;
          throw new Error(failed);
        }
      });
      try {
        await fc.assert(property, { seed, numRuns: runs, endOnFailure: true, verbose: 0 });
      } catch (err) {
        const where = /\{ seed: .*\}/.exec((err as Error).message)?.[0] ?? '';
        failures.push(
          `${op.id} — FUZZ_SEED=${BASE_SEED} replays the run (fast-check ${where})\n  ${failed || String((err as Error).cause ?? (err as Error).message).slice(0, 1500)}`,
        );
      }
    }
    if (failures.length) {
      throw new Error(`${failures.length} operation(s) failed:\n\n${failures.join('\n\n')}`);
    }
    if (!ONLY) expect(totalRequests).toBeGreaterThanOrEqual(5000 * Math.min(1, RUNS_SCALE));
  }, 1_800_000);
});
