import type { ArgumentMetadata } from '@nestjs/common';
import { ValidationPipe } from '@nestjs/common';
import { strictValidationPipe } from './validation.pipe.js';

export interface PipeOutcome {
  ok?: unknown;
  error?: string;
  cls: unknown;
}

/**
 * For the specs of a DTO's shortcut (see `fastValidation`): what the pipe with its shortcuts answers for `value`,
 * and what the same options answer without any shortcut. They must be equal for every input.
 */
export async function fastAndFullOutcomes(
  metatype: new () => unknown,
  type: ArgumentMetadata['type'],
  value: unknown,
): Promise<{ fast: PipeOutcome; full: PipeOutcome }> {
  const fast = strictValidationPipe();
  const full = Object.assign(Object.create(ValidationPipe.prototype) as ValidationPipe, fast);
  const metadata: ArgumentMetadata = { type, metatype: metatype as never, data: undefined };
  const outcome = async (pipe: ValidationPipe): Promise<PipeOutcome> => {
    try {
      const v = await pipe.transform(structuredClone(value), metadata);
      return { ok: v, cls: (v as object).constructor };
    } catch (err) {
      return { error: (err as Error).message, cls: (err as object).constructor };
    }
  };
  return { fast: await outcome(fast), full: await outcome(full) };
}
