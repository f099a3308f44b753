import { ValidateBy, ValidationOptions } from 'class-validator';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The index of the first element that is not a UUID string, or -1. */
export function firstNonUuid(value: unknown[]): number {
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    if (typeof v !== 'string' || !UUID.test(v)) return i;
  }
  return -1;
}

/**
 * An array of UUIDs, checked in one pass (10,000 ids cost well under a millisecond, where
 * `@IsUUID({ each: true })` costs tens of milliseconds on the hot bulk paths).
 */
export function IsUuidList(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isUuidList',
      validator: {
        validate: (value: unknown) => Array.isArray(value) && firstNonUuid(value) === -1,
        defaultMessage: (args) => {
          const v = args?.value;
          const i = Array.isArray(v) ? firstNonUuid(v) : -1;
          return i >= 0 ? `${args?.property}[${i}] must be a UUID` : `${args?.property} must be an array of UUIDs`;
        },
      },
    },
    options,
  );
}
