import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** Numbers written without an international prefix are read as numbers of this country. */
export const DEFAULT_PHONE_REGION: CountryCode = 'DE';

/** The number in E.164 (`+4930123456`), or null when it is not a valid phone number. */
export function toE164(raw: string, region: CountryCode = DEFAULT_PHONE_REGION): string | null {
  const text = raw.trim().replace(/^tel:/i, '');
  if (!text || text.length > 40) return null;
  const parsed = parsePhoneNumberFromString(text, region);
  if (!parsed || !parsed.isValid()) return null;
  return parsed.number;
}
