import { UuidParam } from './uuid-param.dto.js';
import { fastAndFullOutcomes } from '../validation/fast-validation.check.js';

const U = '8460BB91-8A7B-41C0-8CA3-4FEC3252F2F1';
const inputs: unknown[] = [
  { id: U }, { id: U.toLowerCase() }, { id: '00000000-0000-0000-0000-000000000000' },
  { id: 'nope' }, { id: `${U}\u0000` }, { id: U, other: 'x' }, {}, { id: ['a'] }, { id: '8460bb91-8a7b-01c0-8ca3-4fec3252f2f1' },
];

/** The pipe with its shortcuts, against the same options without any shortcut: the same answer for every input. */
describe('fast validation paths: UuidParam', () => {
  it.each(inputs.map((v) => [JSON.stringify(v), v]))('UuidParam %s: same answer as the full pipe', async (_name, value) => {
    const { fast, full } = await fastAndFullOutcomes(UuidParam, 'param', value);
    expect(fast).toEqual(full);
    expect(fast.cls).toBe(full.cls);
  });
});
