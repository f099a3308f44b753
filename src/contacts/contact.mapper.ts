import { CONTACT_FIELDS, contactFieldValue } from './contact-fields.js';
import { ContactResponseDto } from './dto/contact.response.dto.js';

/** A row of `contacts` as raw SQL returns it. */
export interface ContactRow {
  id: string;
  given_name: string;
  family_name: string;
  emails: { address: string; label?: string | null }[];
  phones: { number: string; label?: string | null }[];
  organisation_id: string | null;
  job_title: string | null;
  tags: string[];
  owner_id: string | null;
  notes: string | null;
  preferred_language: string | null;
  social_profiles: { linkedin?: string; xing?: string } | null;
  key_dates: { kind: string; date: string; label?: string | null }[];
  version: number;
  created_at: Date;
  updated_at: Date;
  archived_at: Date | null;
  erased_at: Date | null;
  merged_into_id: string | null;
  last_interaction_at: Date | null;
  /** Exact creation time as text, for cursors (timestamps hold microseconds; JS dates do not). */
  created_key: string;
  score?: string;
}

export const contactColumns = (
  a = 'c',
) => `${a}.id, ${a}.given_name, ${a}.family_name, ${a}.emails, ${a}.phones,
  ${a}.organisation_id, ${a}.job_title, ${a}.tags, ${a}.owner_id, ${a}.notes, ${a}.preferred_language, ${a}.social_profiles, ${a}.key_dates, ${a}.version, ${a}.created_at, ${a}.updated_at, ${a}.archived_at, ${a}.erased_at, ${a}.merged_into_id,
  ${a}.last_interaction_at, ${a}.created_at::text AS created_key`;
export const CONTACT_COLUMNS = contactColumns('c');

/** The row as the API shows it: the writable fields through the one field ↔ column map, then the bookkeeping. */
export const toContactResponse = (r: ContactRow): ContactResponseDto => {
  const row = r as unknown as Record<string, unknown>;
  const fields = Object.fromEntries(
    Object.entries(CONTACT_FIELDS).map(([field, column]) => [field, contactFieldValue(field, row[column])]),
  );
  return {
    id: r.id,
    ...fields,
    socialProfiles: { linkedin: r.social_profiles?.linkedin ?? null, xing: r.social_profiles?.xing ?? null },
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    archivedAt: r.archived_at,
    erasedAt: r.erased_at,
    lastInteractionAt: r.last_interaction_at,
  } as ContactResponseDto;
};
