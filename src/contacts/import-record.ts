/** One row of a CSV file or one vCard, before validation. */
export interface ImportRecord {
  /** 1-based: the data row (header excluded) or the card's position in the file. */
  row: number;
  givenName?: string;
  familyName?: string;
  /** A single "name" column or a vCard FN, split when given/family names are missing. */
  fullName?: string;
  emails: { address: string; label?: string }[];
  phones: { number: string; label?: string }[];
  organisation?: string;
  jobTitle?: string;
  tags: string[];
  notes?: string;
  preferredLanguage?: string;
  linkedinUrl?: string;
  xingUrl?: string;
}

/** "Ada Lovelace" → given "Ada", family "Lovelace"; "Lovelace, Ada" → the same. */
export function splitFullName(full: string): { givenName?: string; familyName?: string } {
  const name = full.trim().replace(/\s+/g, ' ');
  if (!name) return {};
  if (name.includes(',')) {
    const [family, given] = name.split(',', 2).map((s) => s.trim());
    return { givenName: given || undefined, familyName: family || undefined };
  }
  const i = name.lastIndexOf(' ');
  if (i < 0) return { familyName: name };
  return { givenName: name.slice(0, i), familyName: name.slice(i + 1) };
}

export const splitList = (value: string | undefined): string[] =>
  (value ?? '')
    .split(/[;,|]/)
    .map((s) => s.trim())
    .filter(Boolean);
