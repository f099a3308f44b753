import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { EntityManager } from 'typeorm';
import { AuditInput, AuditService } from '../audit/audit.service.js';
import { DomainError } from '../common/errors/domain.error.js';
import { TransactionService } from '../database/transaction.service.js';
import { RecipientNotifier } from '../webhooks/recipient-notifier.service.js';
import { CONTACT_COLUMNS, ContactRow, toContactResponse } from './contact.mapper.js';
import { unionBy } from './contact-fields.js';
import { csvSource, spool, textChunks, vcardSource, type SourceState } from './import-source.js';
import { LANGUAGE_TAG } from './dto/create-contact.dto.js';
import { ImportRejectionDto, ImportResultDto } from './dto/contact.response.dto.js';
import { isEmail, normaliseEmail } from './email.js';
import { ImportRecord, splitFullName } from './import-record.js';
import { toE164 } from './phone.js';
import { queryRows } from '../database/query-rows.js';

export { guessDelimiter } from './import-source.js';

export type ImportFormat = 'csv' | 'vcard';

/** Rows are validated one by one and written set-based, this many at a time. */
export const IMPORT_BATCH = 1000;

/** A row that passed validation, in stored form. */
export interface ValidRow {
  row: number;
  givenName: string;
  familyName: string;
  emails: { address: string; label: string | null }[];
  phones: { number: string; label: string | null }[];
  organisation?: string;
  jobTitle?: string;
  tags: string[];
  notes?: string;
  preferredLanguage?: string;
  linkedinUrl?: string;
  xingUrl?: string;
}

const MAX = { name: 200, org: 300, job: 300, notes: 20000, tag: 100, url: 500 };

/** Validates and normalises one record; a string is the reason it is rejected. */
export function validateRecord(r: ImportRecord): ValidRow | string {
  let { givenName, familyName } = r;
  if ((!givenName || !familyName) && r.fullName) {
    const split = splitFullName(r.fullName);
    givenName ||= split.givenName;
    familyName ||= split.familyName;
  }
  givenName = givenName?.trim();
  familyName = familyName?.trim();
  if (!givenName) return 'givenName is missing';
  if (!familyName) return 'familyName is missing';
  if (givenName.length > MAX.name || familyName.length > MAX.name) {
    return `names may have at most ${MAX.name} characters`;
  }
  const emails = new Map<string, { address: string; label: string | null }>();
  for (const e of r.emails) {
    const address = normaliseEmail(e.address);
    if (!isEmail(address)) return `"${e.address.slice(0, 100)}" is not an e-mail address`;
    if (!emails.has(address)) emails.set(address, { address, label: e.label?.trim() || null });
  }
  const phones = new Map<string, { number: string; label: string | null }>();
  for (const p of r.phones) {
    const number = toE164(p.number);
    if (!number) return `"${p.number.slice(0, 50)}" is not a valid phone number`;
    if (!phones.has(number)) phones.set(number, { number, label: p.label?.trim() || null });
  }
  if (r.organisation && r.organisation.length > MAX.org) {
    return `organisation may have at most ${MAX.org} characters`;
  }
  if (r.jobTitle && r.jobTitle.length > MAX.job) return `jobTitle may have at most ${MAX.job} characters`;
  if (r.notes && r.notes.length > MAX.notes) return `notes may have at most ${MAX.notes} characters`;
  if (r.tags.some((t) => t.length > MAX.tag)) return `tags may have at most ${MAX.tag} characters each`;
  if (r.preferredLanguage && !LANGUAGE_TAG.test(r.preferredLanguage)) {
    return 'preferredLanguage must be a language tag like de or en-GB';
  }
  const url = (v: string | undefined, host: RegExp, name: string) => {
    if (!v) return undefined;
    try {
      const u = new URL(v);
      if (!/^https?:$/.test(u.protocol) || !host.test(u.hostname) || v.length > MAX.url) throw new Error();
      return undefined;
    } catch {
      return `${name} must be a ${host === LINKEDIN ? 'linkedin.com' : 'xing.com'} URL`;
    }
  };
  const badUrl = url(r.linkedinUrl, LINKEDIN, 'linkedinUrl') ?? url(r.xingUrl, XING, 'xingUrl');
  if (badUrl) return badUrl;
  return {
    row: r.row,
    givenName,
    familyName,
    emails: [...emails.values()],
    phones: [...phones.values()],
    organisation: r.organisation?.trim() || undefined,
    jobTitle: r.jobTitle?.trim() || undefined,
    tags: Array.from(new Set(r.tags.map((t) => t.trim()).filter(Boolean))),
    notes: r.notes || undefined,
    preferredLanguage: r.preferredLanguage || undefined,
    linkedinUrl: r.linkedinUrl || undefined,
    xingUrl: r.xingUrl || undefined,
  };
}
const LINKEDIN = /(^|\.)linkedin\.com$/i;
const XING = /(^|\.)xing\.com$/i;

/** What one import run keeps between batches. */
interface ImportState {
  result: ImportResultDto;
  byEmail: Map<string, Target>;
  createdIds: Set<string>;
  updatedIds: Set<string>;
  orgIds: Map<string, string | null>;
  dryRun: boolean;
}

/** A contact the import writes: an existing one (matched on e-mail) or a new one. */
interface Target {
  id: string;
  isNew: boolean;
  /** Created by this import (in an earlier batch or this one): listed under `created` only. */
  createdHere: boolean;
  current?: ContactRow;
  row: ValidRow;
  /** Set when already written to the database. */
  written: boolean;
}

@Injectable()
export class ContactImportService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly notifier: RecipientNotifier,
  ) {}

  /**
   * Spools the file from `body` to a temporary file (never held whole in memory; 413 past 50 MiB), then reads it
   * back as a stream and writes it in batches, in one transaction.
   */
  async import(body: Readable, format: ImportFormat, dryRun: boolean): Promise<ImportResultDto> {
    const result: ImportResultDto = { created: [], updated: [], rejected: [], dryRun };
    const byEmail = new Map<string, Target>();
    const createdIds = new Set<string>();
    const updatedIds = new Set<string>();
    const orgIds = new Map<string, string | null>();
    const state: SourceState = { content: false };
    const file = await spool(body);
    const chunks = textChunks(file.open(), state);
    // One Unicode form (NFC) for every value, as the API's DTOs do: "Mu\u0308ller" and "Müller" are one name.
    const source = format === 'csv' ? csvSource(chunks) : vcardSource(chunks);
    try {
      return await this.write(source, format, state, { result, byEmail, createdIds, updatedIds, orgIds, dryRun });
    } finally {
      await file.dispose();
    }
  }

  private write(
    source: AsyncGenerator<ImportRecord>,
    format: ImportFormat,
    state: SourceState,
    s: ImportState,
  ): Promise<ImportResultDto> {
    const { result, byEmail, createdIds, updatedIds, orgIds, dryRun } = s;

    return this.tx.run(async (m) => {
      let batch: ImportRecord[] = [];
      const flush = async () => {
        if (batch.length) {
          await this.processBatch(m, batch, { result, byEmail, createdIds, updatedIds, orgIds, dryRun });
        }
        batch = [];
      };
      let any = false;
      for await (const rec of source) {
        any = true;
        batch.push(rec);
        if (batch.length >= IMPORT_BATCH) await flush();
      }
      await flush();
      if (!any && !state.content) {
        throw new DomainError(
          'EMPTY_IMPORT',
          'The request body is empty: send a CSV file with a header row or vCards',
          400,
        );
      }
      if (!any && format === 'vcard') {
        throw new DomainError('EMPTY_IMPORT', 'No BEGIN:VCARD … END:VCARD block found in the body', 400);
      }
      result.rejected.sort((a, b) => a.row - b.row);
      return result;
    });
  }

  private async processBatch(
    m: EntityManager,
    records: ImportRecord[],
    s: ImportState,
  ): Promise<void> {
    const valid: ValidRow[] = [];
    for (const r of records) {
      const v = validateRecord(r);
      if (typeof v === 'string') {
        s.result.rejected.push({ row: r.row, reason: v } satisfies ImportRejectionDto);
      } else valid.push(v);
    }

    // Existing contacts for the batch's e-mail addresses not seen before, in one query.
    const unseen = Array.from(
      new Set(valid.flatMap((v) => v.emails.map((e) => e.address)).filter((a) => !s.byEmail.has(a))),
    );
    if (unseen.length) {
      const existing: ContactRow[] = await m.query(
        `SELECT ${CONTACT_COLUMNS}, c.email_addresses FROM contacts c
         WHERE c.email_addresses && $1::text[] AND c.merged_into_id IS NULL AND c.erased_at IS NULL
         ORDER BY c.created_at, c.id ${s.dryRun ? '' : 'FOR UPDATE'}`,
        [unseen],
      );
      for (const c of existing as (ContactRow & { email_addresses: string[] })[]) {
        const target: Target = {
          id: c.id,
          isNew: false,
          createdHere: false,
          current: c,
          row: undefined as never,
          written: false,
        };
        for (const a of c.email_addresses) if (!s.byEmail.has(a)) s.byEmail.set(a, target);
      }
    }

    // Which contact each valid row writes; rows sharing an e-mail (in the file or with the database) meet on one target.
    const touched: Target[] = [];
    for (const v of valid) {
      const target = v.emails.map((e) => s.byEmail.get(e.address)).find(Boolean);
      if (!target) {
        const t: Target = { id: randomUUID(), isNew: true, createdHere: true, row: v, written: false };
        for (const e of v.emails) s.byEmail.set(e.address, t);
        touched.push(t);
        continue;
      }
      target.row = target.row ? combine(target.row, v) : v;
      for (const e of v.emails) if (!s.byEmail.has(e.address)) s.byEmail.set(e.address, target);
      if (!touched.includes(target)) touched.push(target);
    }

    // Organisations by name (case-insensitive); missing ones are created.
    const names = Array.from(new Set(touched.map((t) => t.row.organisation).filter((n): n is string => !!n)));
    const unknownNames = names.filter((n) => !s.orgIds.has(n.toLowerCase()));
    if (unknownNames.length) {
      const found: { id: string; lname: string }[] = await m.query(
        `SELECT DISTINCT ON (lower(name)) id, lower(name) AS lname FROM organisations
         WHERE lower(name) = ANY($1::text[]) AND archived_at IS NULL ORDER BY lower(name), created_at, id`,
        [unknownNames.map((n) => n.toLowerCase())],
      );
      for (const f of found) s.orgIds.set(f.lname, f.id);
      const missing = unknownNames.filter((n) => !s.orgIds.has(n.toLowerCase()));
      if (missing.length && !s.dryRun) {
        const created: { id: string; name: string; lname: string }[] = await m.query(
          `INSERT INTO organisations (name) SELECT unnest($1::text[]) RETURNING id, name, lower(name) AS lname`,
          [missing],
        );
        for (const c of created) s.orgIds.set(c.lname, c.id);
        await this.audit.recordMany(
          created.map((c) => ({
            action: 'import_create',
            entityType: 'organisation',
            entityId: c.id,
            after: { id: c.id, name: c.name, kind: 'other' },
          })),
        );
      } else for (const n of missing) s.orgIds.set(n.toLowerCase(), null);
    }
    const orgOf = (t: Target) =>
      t.row.organisation ? (s.orgIds.get(t.row.organisation.toLowerCase()) ?? null) : null;

    const inserts = touched.filter((t) => t.isNew && !t.written);
    const updates = touched.filter((t) => !t.isNew || t.written);
    for (const t of inserts) {
      if (s.dryRun) s.result.created.push(null);
      else s.result.created.push(t.id);
      s.createdIds.add(t.id);
    }
    for (const t of updates) {
      if (!t.createdHere && !s.updatedIds.has(t.id)) {
        s.updatedIds.add(t.id);
        s.result.updated.push(t.id);
      }
    }
    if (s.dryRun) {
      for (const t of inserts) t.written = true; // later rows with the same e-mail count as updates of it
      return;
    }

    const audits: AuditInput[] = [];
    if (inserts.length) {
      const rows: ContactRow[] = await m.query(
        `INSERT INTO contacts AS c (id, given_name, family_name, emails, phones, organisation_id, job_title, tags, notes,
                                    preferred_language, social_profiles)
         SELECT x.id, x.given_name, x.family_name, x.emails, x.phones, x.organisation_id, x.job_title,
                coalesce(x.tags, '{}'), x.notes, x.preferred_language, x.social_profiles
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, given_name text, family_name text, emails jsonb, phones jsonb,
              organisation_id uuid, job_title text, tags text[], notes text, preferred_language text, social_profiles jsonb)
         RETURNING ${CONTACT_COLUMNS}`,
        [JSON.stringify(inserts.map((t) => toRecord(t.id, t.row, orgOf(t))))],
      );
      for (const r of rows) {
        audits.push({
          action: 'import_create',
          entityType: 'contact',
          entityId: r.id,
          contactId: r.id,
          after: toContactResponse(r),
        });
      }
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const t of inserts) {
        t.written = true;
        t.isNew = false;
        t.current = byId.get(t.id);
      }
    }

    const changed = updates
      .map((t) => ({ t, next: applyRow(t.current!, t.row, orgOf(t)) }))
      .filter(
        ({ t, next }) =>
          JSON.stringify(next) !==
          JSON.stringify(toRecord(t.id, fromContact(t.current!), t.current!.organisation_id)),
      );
    if (changed.length) {
      const rows = await queryRows<ContactRow>(
        m,
        `UPDATE contacts c SET given_name = x.given_name, family_name = x.family_name, emails = x.emails, phones = x.phones,
           organisation_id = x.organisation_id, job_title = x.job_title, tags = coalesce(x.tags, '{}'), notes = x.notes,
           preferred_language = x.preferred_language, social_profiles = x.social_profiles,
           version = c.version + 1, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, given_name text, family_name text, emails jsonb, phones jsonb,
              organisation_id uuid, job_title text, tags text[], notes text, preferred_language text, social_profiles jsonb)
         WHERE c.id = x.id
         RETURNING ${CONTACT_COLUMNS}`,
        [JSON.stringify(changed.map((c) => c.next))],
      );
      for (const r of rows) {
        const t = changed.find((c) => c.t.id === r.id)!.t;
        if (!t.createdHere) {
          await this.notifier.notifyContactEvent({ type: 'contact.rectified', contactId: r.id });
        }
        audits.push({
          action: 'import_update',
          entityType: 'contact',
          entityId: r.id,
          contactId: r.id,
          before: toContactResponse(t.current!),
          after: toContactResponse(r),
        });
        t.current = r;
      }
    }
    for (const t of updates) t.row = undefined as never;
    for (const t of inserts) t.row = undefined as never;
    await this.audit.recordMany(audits);
  }
}

/** A later row for the same person: its values win, lists are united. */
function combine(a: ValidRow, b: ValidRow): ValidRow {
  return {
    ...a,
    ...Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)),
    emails: unionBy(a.emails, b.emails, (e) => e.address),
    phones: unionBy(a.phones, b.phones, (p) => p.number),
    tags: unionBy(a.tags, b.tags, (t) => t),
  } as ValidRow;
}

const fromContact = (c: ContactRow): ValidRow => ({
  row: 0,
  givenName: c.given_name,
  familyName: c.family_name,
  emails: (c.emails ?? []).map((e) => ({ address: e.address, label: e.label ?? null })),
  phones: (c.phones ?? []).map((p) => ({ number: p.number, label: p.label ?? null })),
  jobTitle: c.job_title ?? undefined,
  tags: c.tags ?? [],
  notes: c.notes ?? undefined,
  preferredLanguage: c.preferred_language ?? undefined,
  linkedinUrl: c.social_profiles?.linkedin ?? undefined,
  xingUrl: c.social_profiles?.xing ?? undefined,
});

/** The existing contact with the file's values applied: given values overwrite, e-mails/phones/tags are added. */
function applyRow(c: ContactRow, r: ValidRow, organisationId: string | null) {
  const merged = combine(fromContact(c), r);
  return toRecord(c.id, merged, r.organisation ? (organisationId ?? c.organisation_id) : c.organisation_id);
}

function toRecord(id: string, r: ValidRow, organisationId: string | null) {
  return {
    id,
    given_name: r.givenName,
    family_name: r.familyName,
    emails: r.emails,
    phones: r.phones,
    organisation_id: organisationId,
    job_title: r.jobTitle ?? null,
    tags: r.tags,
    notes: r.notes ?? null,
    preferred_language: r.preferredLanguage ?? null,
    social_profiles: {
      ...(r.linkedinUrl ? { linkedin: r.linkedinUrl } : {}),
      ...(r.xingUrl ? { xing: r.xingUrl } : {}),
    },
  };
}
