import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { actorIdOf } from '../auth/role.js';
import { currentContext } from '../common/context/request-context.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { uuidV7 } from '../crypto/uuid-v7.js';
import { TransactionService } from '../database/transaction.service.js';
import { AuditEventsRepository, type UnsealedAuditRow } from './audit-events.repository.js';
import { AuditSealer } from './audit-sealer.js';

export interface AuditInput {
  /** What happened, e.g. `create`, `update`, `archive`, `revoke`, `withdraw`, `disclose`. */
  action: string;
  /** snake_case entity name, e.g. `contact`, `api_key`, `consent`. */
  entityType: string;
  entityId?: string | null;
  /** The contact whose personal data `before`/`after` hold: they are then sealed under that contact's key. */
  contactId?: string | null;
  /**
   * Every other contact the event is about (the people of an interaction, a disclosure's contacts, the other end of
   * a connection): `GET /audit-events?contactId=` finds the event by any of them. Ids only, never sealed.
   */
  subjects?: readonly (string | null | undefined)[];
  before?: unknown;
  after?: unknown;
}

export type { AuditRow } from './audit-events.repository.js';
export { auditHash, GENESIS_HASH } from './audit-hash.js';

/** Keys never written into the audit trail, at any depth. */
const SECRET_KEYS = /^(key|keyHash|secret|password|token|confirmationToken|tokenHash|webhookSecret|privateKey|wrappedKey)$/i;

export function stripSecrets(value: unknown): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return value ?? null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(stripSecrets);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    out[k] = SECRET_KEYS.test(k) ? '[redacted]' : stripSecrets(v);
  }
  return out;
}


/**
 * A uuid exactly as PostgreSQL's `uuid` type stores and returns it: lower case, hyphenated. The type also accepts
 * upper case, braces and missing hyphens; hashing any of those forms while the column keeps the canonical one
 * would break the chain for good (verification recomputes the hash from the stored row).
 */
export function storedUuid(value: string): string {
  const hex = value.trim().replace(/^\{(.*)\}$/, '$1').replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error('audit: contactId is not a uuid');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `entity_id` is text (not every entity has a uuid): a uuid in it is kept in canonical lower case, so lookups by id find it. */
const storedEntityId = (value: string | null | undefined) =>
  value === null || value === undefined ? null : UUID_SHAPE.test(value) ? value.toLowerCase() : value;

/**
 * The contacts an event is about besides `contact_id`, as stored and hashed: canonical, distinct, sorted; null when
 * there are none (so events without subjects hash exactly as before the column existed).
 */
export function subjectIds(contactId: string | null, subjects: readonly (string | null | undefined)[] | undefined): string[] | null {
  if (!subjects?.length) return null;
  const ids = [...new Set(subjects.filter((s): s is string => !!s).map(storedUuid))].filter((id) => id !== contactId).sort();
  return ids.length ? ids : null;
}

/** A contact's personal values, sealed under its data key; after erasure they are not kept at all. */
const sealedValue = (sealed: string | null): { sealed: string } | { erased: true } =>
  sealed === null ? { erased: true } : { sealed };

/** before/after exactly as the jsonb column will give them back (toJSON applied, undefined dropped). */
const asStoredJson = (value: unknown): unknown => (value === null ? null : JSON.parse(JSON.stringify(value)));

/**
 * Writes audit events in the caller's transaction (explicit, not a hidden subscriber): nothing changes without its
 * event, and nothing is audited that did not happen. The events are written unsealed and take no lock; the
 * AuditSealer links them into the hash chain once committed.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly tx: TransactionService,
    private readonly crypto: CryptoService,
    private readonly events: AuditEventsRepository,
    private readonly sealer: AuditSealer,
  ) {}

  record(input: AuditInput): Promise<void> {
    return this.tx.run((m) => this.append(m, [input]));
  }

  recordMany(inputs: AuditInput[]): Promise<void> {
    if (inputs.length === 0) return Promise.resolve();
    return this.tx.run((m) => this.append(m, inputs));
  }

  /**
   * For a write composed into one statement (database/composed-write.ts): the part that inserts this event, once per
   * row of `from` (the part writing the change, so the event is stored exactly when the change is). `seal` seals the
   * contact's personal values (the new contact's key, CryptoService.newContactKeyPart). Call `written()` once the
   * statement has run: the sealer is woken after the commit (at once when the statement was its own transaction).
   */
  eventPart(
    manager: EntityManager,
    input: AuditInput,
    seal: ((value: unknown) => string | null) | undefined,
    bind: (value: unknown, cast?: string) => string,
    from: string,
  ): { sql: string; written: () => void } {
    const [row] = this.toRows([input], seal ? (_contactId, value) => seal(value) : undefined);
    return { sql: this.events.insertPart(row, bind, from), written: () => this.sealer.sealAfterCommit(manager) };
  }

  /**
   * `eventPart` for several events of one composed write, without personal values to seal (no `contactId`): one
   * part inserting each event once per row of its `from`, in the order given. `afterMerge` (SQL, a jsonb object over
   * `from`) adds to `after` what only the statement knows, e.g. flags it computes: ids and codes only (it is stored
   * as it is: no secrets stripped, nothing sealed), and `after` must be an object.
   */
  eventsPart(
    manager: EntityManager,
    events: readonly { input: AuditInput; from: string; afterMerge?: string }[],
    bind: (value: unknown, cast?: string) => string,
  ): { sql: string; written: () => void } {
    if (events.some((e) => e.input.contactId)) throw new Error('audit: eventsPart does not seal personal values (use eventPart)');
    if (events.some((e) => e.afterMerge && (typeof e.input.after !== 'object' || e.input.after === null || Array.isArray(e.input.after)))) {
      throw new Error('audit: afterMerge needs an object after');
    }
    const rows = this.toRows(events.map((e) => e.input), undefined);
    return {
      sql: this.events.insertRowsPart(rows.map((row, k) => ({ row, from: events[k].from, afterMerge: events[k].afterMerge })), bind),
      written: () => this.sealer.sealAfterCommit(manager),
    };
  }

  /**
   * `recordMany` for a bulk write (the contact import: thousands of events in one transaction). It stores exactly what
   * `recordMany` would (the same columns, before/after as the same JSON, sealed under the same contacts' keys), with
   * less work per event: each value is serialised once and sealed as that text; the data keys of `createdContacts`
   * (contacts the transaction has just inserted) are made without a look-up; ids are UUIDv7, so the events of one
   * batch share index pages; and the rows go in through one array per column.
   */
  recordBatch(inputs: AuditInput[], createdContacts: ReadonlySet<string> = new Set()): Promise<void> {
    if (inputs.length === 0) return Promise.resolve();
    return this.tx.run(async (manager) => {
      const ctx = currentContext();
      const principal = ctx.principal;
      const actorType = principal ? principal.kind : 'system';
      const actorId = principal ? actorIdOf(principal) : null;
      const items = inputs.map((input) => ({
        ...input,
        contactId: input.contactId ? storedUuid(input.contactId) : null,
        entityId: storedEntityId(input.entityId),
      }));
      const contactIds = items.flatMap((i) => (i.contactId ? [i.contactId] : []));
      const created = new Set([...createdContacts].map(storedUuid));
      const seal = contactIds.length ? await this.crypto.textSealerFor(contactIds, created, manager) : undefined;
      // The JSON text the jsonb column will hold (what asStoredJson + JSON.stringify give, in one pass).
      const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(stripSecrets(value)));
      const stored = (contactId: string | null, value: unknown): string | null => {
        const text = json(value);
        if (text === null || !contactId || !seal) return text;
        return JSON.stringify(sealedValue(seal(contactId, text)));
      };
      const occurredAt = new Date();
      const rows: UnsealedAuditRow[] = items.map((i) => ({
        id: uuidV7(occurredAt.getTime()),
        occurred_at: occurredAt,
        actor_type: actorType,
        actor_id: actorId,
        action: i.action,
        entity_type: i.entityType,
        entity_id: i.entityId ?? null,
        contact_id: i.contactId,
        subject_contact_ids: subjectIds(i.contactId, i.subjects),
        request_id: ctx.requestId ?? null,
        before: stored(i.contactId, i.before),
        after: stored(i.contactId, i.after),
      }));
      await this.events.insertBatch(manager, rows);
      this.sealer.sealAfterCommit(manager);
    });
  }

  private async append(manager: EntityManager, inputs: AuditInput[]): Promise<void> {
    // The contacts' data keys in one statement (created where missing), then every value sealed in memory.
    const contactIds = inputs.flatMap((i) => (i.contactId ? [storedUuid(i.contactId)] : []));
    const seal = contactIds.length ? await this.crypto.sealerFor(contactIds, manager) : undefined;
    // No lock and no chain link here: the sealer gives committed events their place in the chain.
    await this.events.insert(manager, this.toRows(inputs, seal));
    this.sealer.sealAfterCommit(manager);
  }

  /** The events as stored: canonical ids, secrets stripped, a contact's values sealed under its key. */
  private toRows(inputs: AuditInput[], seal: ((contactId: string, value: unknown) => string | null) | undefined): UnsealedAuditRow[] {
    const ctx = currentContext();
    const principal = ctx.principal;
    const actorType = principal ? principal.kind : 'system';
    const actorId = principal ? actorIdOf(principal) : null;
    const occurredAt = new Date();
    return inputs.map((input) => {
      // Everything that is hashed is first put in the form its column stores, so the hash covers what is stored.
      const contactId = input.contactId ? storedUuid(input.contactId) : null;
      let before = input.before === undefined ? null : asStoredJson(stripSecrets(input.before));
      let after = input.after === undefined ? null : asStoredJson(stripSecrets(input.after));
      if (contactId && seal) {
        before = before === null ? null : sealedValue(seal(contactId, before));
        after = after === null ? null : sealedValue(seal(contactId, after));
      }
      return {
        // UUIDv7: events written together sort together in the primary key (its rightmost page, not one random
        // page of a million-row index each: a full-page image in the WAL after every checkpoint).
        id: uuidV7(occurredAt.getTime()),
        occurred_at: occurredAt,
        actor_type: actorType,
        actor_id: actorId,
        action: input.action,
        entity_type: input.entityType,
        entity_id: storedEntityId(input.entityId),
        contact_id: contactId,
        subject_contact_ids: subjectIds(contactId, input.subjects),
        request_id: ctx.requestId ?? null,
        before: before === null ? null : JSON.stringify(before),
        after: after === null ? null : JSON.stringify(after),
      };
    });
  }
}
