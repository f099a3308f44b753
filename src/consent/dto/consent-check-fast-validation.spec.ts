import { fastAndFullOutcomes } from '../../common/validation/fast-validation.check.js';
import { ConsentCheckQueryDto } from './consent.dto.js';

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
