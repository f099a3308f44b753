import type { ArgumentMetadata } from '@nestjs/common';
import { ValidationPipe } from '@nestjs/common';
import { UuidParam } from '../http/uuid-param.dto.js';
import { ConsentCheckQueryDto } from '../../consent/dto/consent.dto.js';
import { strictValidationPipe } from './validation.pipe.js';

const U = '8460BB91-8A7B-41C0-8CA3-4FEC3252F2F1';
const cases: [new () => unknown, ArgumentMetadata['type'], unknown[]][] = [
  [UuidParam, 'param', [
    { id: U }, { id: U.toLowerCase() }, { id: '00000000-0000-0000-0000-000000000000' },
    { id: 'nope' }, { id: `${U}\u0000` }, { id: U, other: 'x' }, {}, { id: ['a'] }, { id: '8460bb91-8a7b-01c0-8ca3-4fec3252f2f1' },
  ]],
  [ConsentCheckQueryDto, 'query', [
    { contactId: U, purpose: 'newsletter', recipientId: U }, { contactId: U, purpose: 'newsletter' },
    { contactId: '8460bb91-8a7b-01c0-0ca3-4fec3252f2f1', purpose: 'a_b-c' },
    { contactId: U, purpose: 'News' }, { contactId: U, purpose: 'x'.repeat(101) }, { contactId: U, purpose: 'x'.repeat(100) },
    { contactId: U, purpose: 'newsletter', recipientId: 'nope' }, { contactId: U, purpose: ['a', 'b'] },
    { contactId: U, purpose: 'newsletter', extra: '1' }, { purpose: 'newsletter' }, { contactId: 'nope', purpose: 'newsletter' },
    { contactId: U, purpose: 'newsletter', recipientId: '' },
  ]],
];

/** The pipe with its shortcuts, against the same options without any shortcut: the same answer for every input. */
describe('fast validation paths', () => {
  const fast = strictValidationPipe();
  const full = Object.assign(Object.create(ValidationPipe.prototype) as ValidationPipe, fast);
  const outcome = async (pipe: ValidationPipe, value: unknown, metadata: ArgumentMetadata) => {
    try {
      const v = await pipe.transform(structuredClone(value), metadata);
      return { ok: v, cls: (v as object).constructor };
    } catch (err) {
      return { error: (err as { getResponse?: () => unknown; message: string }).message, cls: (err as object).constructor };
    }
  };
  for (const [metatype, type, inputs] of cases) {
    it.each(inputs.map((v) => [JSON.stringify(v), v]))(`${metatype.name} %s: same answer as the full pipe`, async (_name, value) => {
      const metadata: ArgumentMetadata = { type, metatype: metatype as never, data: undefined };
      const a = await outcome(fast, value, metadata);
      const b = await outcome(full, value, metadata);
      expect(a).toEqual(b);
      expect(a.cls).toBe(b.cls);
    });
  }
});
