import { OrganisationResponseDto } from './dto/organisation.response.dto.js';

/** A row of `organisations` as raw SQL returns it. */
export interface OrganisationRow {
  id: string;
  name: string;
  kind: OrganisationResponseDto['kind'];
  website: string | null;
  email_domains: string[];
  parent_id: string | null;
  tags: string[];
  notes: string | null;
  owner_id: string | null;
  network_type: OrganisationResponseDto['networkType'];
  network_goals: string | null;
  network_rules: string | null;
  archived_at: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  /** Exact creation time as text, for cursors (timestamps hold microseconds; JS dates do not). */
  created_key?: string;
  score?: string;
}

export const ORGANISATION_COLUMNS = `o.id, o.name, o.kind, o.website, o.email_domains, o.parent_id, o.tags, o.notes, o.owner_id,
  o.network_type, o.network_goals, o.network_rules, o.archived_at, o.version, o.created_at, o.updated_at,
  o.created_at::text AS created_key`;

export const toOrganisationResponse = (r: OrganisationRow): OrganisationResponseDto => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  website: r.website,
  emailDomains: r.email_domains,
  parentId: r.parent_id,
  tags: r.tags,
  notes: r.notes,
  ownerId: r.owner_id,
  networkType: r.network_type,
  networkGoals: r.network_goals,
  networkRules: r.network_rules,
  archivedAt: r.archived_at,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
