/** E-mail addresses are stored lower-cased and trimmed. */
export const normaliseEmail = (raw: string): string => raw.trim().toLowerCase();

/** Deliberately simple: one @, no spaces, a dot in the domain. */
const EMAIL = /^[^\s@"<>()[\]\\,;:]+@[^\s@"<>()[\]\\,;:]+\.[^\s@"<>()[\]\\,;:]{2,}$/;
export const isEmail = (value: string): boolean => value.length <= 320 && EMAIL.test(value);
