import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ValidationFailedError } from '../errors/domain.error.js';
import { cacheValidationMetadata } from './metadata-cache.js';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    for (const [rule, message] of Object.entries(e.constraints ?? {})) {
      out.push({
        field,
        message: rule === 'whitelistValidation' ? `${field} is not a field this endpoint accepts` : message,
      });
    }
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/**
 * A shortcut for a DTO on a hot route: the instance the full pipe would answer, built without class-transformer
 * and class-validator, for input it can tell is valid at a glance; `undefined` for anything else, which then goes
 * through the full pipe (so every error is the pipe's own). It must accept only input the DTO's decorators accept
 * and build what `plainToInstance` builds: a spec compares both on valid and invalid input.
 */
export type FastValidation<T> = (value: unknown) => T | undefined;

const fastPaths = new Map<unknown, FastValidation<unknown>>();

/** Registers the shortcut of a DTO (next to the DTO; see {@link FastValidation}). */
export function fastValidation<T>(metatype: new () => T, fast: FastValidation<T>): void {
  fastPaths.set(metatype, fast);
}

/** A plain object whose own keys are all among `allowed` (and `required` among them). */
export function hasOnlyKeys(value: unknown, allowed: readonly string[], required: readonly string[] = allowed): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  for (const k of keys) if (!allowed.includes(k)) return false;
  for (const k of required) if (!keys.includes(k)) return false;
  return true;
}

class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const fast = metadata.metatype && metadata.type !== 'custom' ? fastPaths.get(metadata.metatype) : undefined;
    if (fast) {
      const done = fast(value);
      if (done !== undefined) return done;
    }
    return super.transform(value, metadata);
  }
}

/** Strict edge validation: unknown fields are a 400, every failure is listed per field. */
export const strictValidationPipe = () => {
  cacheValidationMetadata();
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    forbidUnknownValues: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fieldErrors = flatten(errors);
      return new ValidationFailedError(fieldErrors.map((e) => e.message).join('; ') || 'Invalid request', fieldErrors);
    },
  });
};
