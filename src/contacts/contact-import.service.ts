import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { EntityManager } from 'typeorm';
import { AuditInput, AuditService } from '../audit/audit.service.js';
import { uuidV7 } from '../crypto/uuid-v7.js';
import { DomainError } from '../common/errors/domain.error.js';
import { TransactionService } from '../database/transaction.service.js';
import { RecipientNotifier } from '../webhooks/recipient-notifier.service.js';
import { OrganisationsRepository } from '../organisations/organisations.repository.js';
import { normaliseSuppressed, SuppressionsService } from '../suppressions/suppressions.service.js';
import { ContactRow, toContactResponse } from './contact.mapper.js';
import { ContactsRepository } from './contacts.repository.js';
import { rectifiedFields } from './rectified-fields.js';
import { csvSource, spool, textChunks, vcardSource, type SourceState } from './import-source.js';
import { ImportRejectionDto, ImportResultDto } from './dto/contact.response.dto.js';
import { ImportRecord } from './import-record.js';
import { applyRow, combine, fromContact, toRecord, validateRecord, ValidRow } from './import-rows.js';

export { guessDelimiter } from './import-source.js';
export { validateRecord } from './import-rows.js';
export type { ValidRow } from './import-rows.js';

export type ImportFormat = 'csv' | 'vcard';

/** Rows are validated one by one and written set-based, this many at a time. */
export const IMPORT_BATCH = 1000;

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
    private readonly contacts: ContactsRepository,
    private readonly organisations: OrganisationsRepository,
    private readonly suppressions: SuppressionsService,
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
      // The next batch is read and parsed while the current one is written (its statements leave Node idle).
      const batches = inBatches(source, IMPORT_BATCH);
      const read = () => {
        const next = batches.next();
        // A read error is thrown by the `await` of the next turn (the transaction then rolls back); never left
        // unhandled while the current batch is written.
        next.catch(() => undefined);
        return next;
      };
      let any = false;
      let next = read();
      try {
        for (let batch = await next; !batch.done; batch = await next) {
          any = true;
          next = read();
          await this.processBatch(m, batch.value, { result, byEmail, createdIds, updatedIds, orgIds, dryRun });
        }
      } finally {
        // After a failed batch: the file's reader is closed once the read under way ends.
        await batches.return().catch(() => undefined);
      }
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

    // Issue 12: a row with an address of an erased person (on the suppression list) is rejected, reason `suppressed`.
    const suppressed = await this.suppressions.suppressedAmong(m, valid.flatMap((v) => v.emails.map((e) => e.address)));
    if (suppressed.size) {
      for (const v of valid.filter((v) => v.emails.some((e) => suppressed.has(normaliseSuppressed(e.address))))) {
        s.result.rejected.push({ row: v.row, reason: 'suppressed' } satisfies ImportRejectionDto);
        valid.splice(valid.indexOf(v), 1);
      }
    }

    // Existing contacts for the batch's e-mail addresses not seen before, in one query.
    const unseen = Array.from(
      new Set(valid.flatMap((v) => v.emails.map((e) => e.address)).filter((a) => !s.byEmail.has(a))),
    );
    if (unseen.length) {
      const existing = await this.contacts.findByEmails(m, unseen, !s.dryRun);
      for (const c of existing) {
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
        const t: Target = { id: uuidV7(), isNew: true, createdHere: true, row: v, written: false };
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
      const found = await this.organisations.idsByLowerName(
        m,
        unknownNames.map((n) => n.toLowerCase()),
      );
      for (const f of found) s.orgIds.set(f.lname, f.id);
      const missing = unknownNames.filter((n) => !s.orgIds.has(n.toLowerCase()));
      if (missing.length && !s.dryRun) {
        const created = await this.organisations.createByNames(m, missing);
        for (const c of created) s.orgIds.set(c.lname, c.id);
        await this.audit.recordBatch(
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
    const inserted = new Set<string>();
    if (inserts.length) {
      const rows = await this.contacts.insertMany(
        m,
        inserts.map((t) => toRecord(t.id, t.row, orgOf(t))),
      );
      for (const r of rows) {
        inserted.add(r.id);
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
      const rows = await this.contacts.updateMany(
        m,
        changed.map((c) => c.next),
      );
      for (const r of rows) {
        const t = changed.find((c) => c.t.id === r.id)!.t;
        if (!t.createdHere) {
          const fields = rectifiedFields(toContactResponse(t.current!), toContactResponse(r));
          if (fields.length) await this.notifier.notifyContactEvent({ type: 'contact.rectified', contactId: r.id, fields });
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
    await this.audit.recordBatch(audits, inserted);
  }
}

/** The records in arrays of `size` (the last one shorter), read as they are asked for. */
async function* inBatches<T>(source: AsyncIterable<T>, size: number): AsyncGenerator<T[], void, undefined> {
  let batch: T[] = [];
  for await (const item of source) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
