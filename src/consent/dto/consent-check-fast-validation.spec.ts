import { fastAndFullOutcomes } from '../../common/validation/fast-validation.check.js';
import { BulkConsentCheckDto, ConsentCheckQueryDto } from './consent.dto.js';

const U = '8460BB91-8A7B-41C0-8CA3-4FEC3252F2F1';
const inputs: unknown[] = [
  { contactId: U, purpose: 'newsletter', recipientId: U }, { contactId: U, purpose: 'newsletter' },
  { contactId: '8460bb91-8a7b-01c0-0ca3-4fec3252f2f1', purpose: 'a_b-c' },
  { contactId: U, purpose: 'News' }, { contactId: U, purpose: 'x'.repeat(101) }, { contactId: U, purpose: 'x'.repeat(100) },
  { contactId: U, purpose: 'newsletter', recipientId: 'nope' }, { contactId: U, purpose: ['a', 'b'] },
  { contactId: U, purpose: 'newsletter', extra: '1' }, { purpose: 'newsletter' }, { contactId: 'nope', purpose: 'newsletter' },
  { contactId: U, purpose: 'newsletter', recipientId: '' },
];

/** The consent check's shortcut through the validation pipe answers exactly what the full pipe answers. */
describe('fast validation paths: ConsentCheckQueryDto', () => {
  it.each(inputs.map((v) => [JSON.stringify(v), v]))('ConsentCheckQueryDto %s: same answer as the full pipe', async (_name, value) => {
    const { fast, full } = await fastAndFullOutcomes(ConsentCheckQueryDto, 'query', value);
    expect(fast).toEqual(full);
    expect(fast.cls).toBe(full.cls);
  });
});

const L = U.toLowerCase();
const ids = (n: number, at?: number, bad?: unknown): unknown[] => Array.from({ length: n }, (_, i) => (i === at ? bad : i % 2 ? U : L));
const bulk: [string, unknown][] = [
  ['valid, mixed case', { purpose: 'newsletter', recipientId: U, contactIds: [U, L, '00000000-0000-0000-0000-000000000000'] }],
  ['valid, no recipientId', { purpose: 'newsletter', contactIds: [U] }],
  ['valid, empty list', { purpose: 'newsletter', contactIds: [] }],
  ['valid, 10,000 ids', { purpose: 'newsletter', contactIds: ids(10_000) }],
  ['10,001 ids', { purpose: 'newsletter', contactIds: ids(10_001) }],
  ['a bad id at 9,999', { purpose: 'newsletter', contactIds: ids(10_000, 9_999, 'nope') }],
  ['a number among the ids', { purpose: 'newsletter', contactIds: ids(3, 1, 7) }],
  ['a null among the ids', { purpose: 'newsletter', contactIds: ids(3, 0, null) }],
  ['an object among the ids', { purpose: 'newsletter', contactIds: ids(3, 2, { id: U }) }],
  ['an id with braces', { purpose: 'newsletter', contactIds: [`{${U}}`] }],
  ['an id without hyphens', { purpose: 'newsletter', contactIds: [L.replace(/-/g, '')] }],
  ['contactIds a string', { purpose: 'newsletter', contactIds: U }],
  ['contactIds null', { purpose: 'newsletter', contactIds: null }],
  ['contactIds missing', { purpose: 'newsletter' }],
  ['purpose missing', { contactIds: [U] }],
  ['purpose not a key', { purpose: 'News', contactIds: [U] }],
  ['purpose too long', { purpose: 'x'.repeat(101), contactIds: [U] }],
  ['purpose 100 long', { purpose: 'x'.repeat(100), contactIds: [U] }],
  ['purpose a number', { purpose: 5, contactIds: [U] }],
  ['recipientId not a UUID', { purpose: 'newsletter', recipientId: 'nope', contactIds: [U] }],
  ['recipientId empty', { purpose: 'newsletter', recipientId: '', contactIds: [U] }],
  ['recipientId null', { purpose: 'newsletter', recipientId: null, contactIds: [U] }],
  ['recipientId a number', { purpose: 'newsletter', recipientId: 1, contactIds: [U] }],
  ['an unknown field', { purpose: 'newsletter', contactIds: [U], fields: ['email'] }],
  ['an array body', [{ purpose: 'newsletter', contactIds: [U] }]],
  ['a string body', 'newsletter'],
  ['null body', null],
];

/** The bulk check's shortcut (10,000 ids) answers exactly what the full pipe answers: the instance, or the same 400. */
describe('fast validation paths: BulkConsentCheckDto', () => {
  it.each(bulk)('BulkConsentCheckDto, %s: same answer as the full pipe', async (_name, value) => {
    const { fast, full } = await fastAndFullOutcomes(BulkConsentCheckDto, 'body', value);
    expect(fast).toEqual(full);
    expect(fast.cls).toBe(full.cls);
  });

  it('lower-cases every id, as the full pipe does', async () => {
    const { fast } = await fastAndFullOutcomes(BulkConsentCheckDto, 'body', { purpose: 'newsletter', recipientId: U, contactIds: [U, L] });
    expect(fast.ok).toEqual(Object.assign(new BulkConsentCheckDto(), { purpose: 'newsletter', recipientId: L, contactIds: [L, L] }));
  });

  it('refuses a bad id with the full pipe\'s message naming its index', async () => {
    const { fast } = await fastAndFullOutcomes(BulkConsentCheckDto, 'body', { purpose: 'newsletter', contactIds: ids(10_000, 9_999, 'nope') });
    expect(fast.error).toBe('contactIds[9999] must be a UUID');
  });
});
