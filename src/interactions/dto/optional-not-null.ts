import { ValidateIf } from 'class-validator';

/**
 * Like `@IsOptional()`, but only an absent field is skipped: an explicit `null` is still validated (and so
 * refused) for fields that cannot be cleared.
 */
export const OptionalNotNull = () => ValidateIf((_o: unknown, v: unknown) => v !== undefined);
