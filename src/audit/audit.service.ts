import { Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { actorIdOf } from '../auth/role.js';
import { canonicalJson } from '../common/canonical-json.js';
import { currentContext } from '../common/context/request-context.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { TransactionService } from '../database/transaction.service.js';
import { AuditEventsRepository, type AuditRow } from './audit-events.repository.js';

export interface AuditInput {
  /** What happened, e.g. `create`, `update`, `archive`, `revoke`, `withdraw`, `disclose`. */
  action: string;
  /** snake_case entity name, e.g. `contact`, `api_key`, `consent`. */
  entityType: string;
  entityId?: string | null;
  /** The contact whose personal data `before`/`after` hold: they are then sealed under that contact's key. */
  contactId?: string | null;
  before?: unknown;
  after?: unknown;
}

export type { AuditRow } from './audit-events.repository.js';

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

export const GENESIS_HASH = '0'.repeat(64);

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

/** before/after exactly as the jsonb column will give them back (toJSON applied, undefined dropped). */
const asStoredJson = (value: unknown): unknown => (value === null ? null : JSON.parse(JSON.stringify(value)));

/**
 * The hash covers exactly what is stored (sealed values included), so erasure never breaks the chain. The row
 * handed in must already be in its stored form (see `append`): ids canonical, before/after as jsonb returns them.
 */
export function auditHash(row: Omit<AuditRow, 'id' | 'hash'> & { id: string }): string {
  const content = canonicalJson({
    id: row.id,
    seq: String(row.seq),
    occurredAt: new Date(row.occurred_at).toISOString(),
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    contactId: row.contact_id,
    requestId: row.request_id,
    before: row.before ?? null,
    after: row.after ?? null,
  });
  return createHash('sha256').update(row.prev_hash).update('\n').update(content).digest('hex');
}

/**
 * Writes audit events in the caller's transaction (explicit, not a hidden subscriber).
 * Call it as the last write of a change: the chain lock is held until the transaction commits.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly tx: TransactionService,
    private readonly crypto: CryptoService,
    private readonly events: AuditEventsRepository,
  ) {}

  record(input: AuditInput): Promise<void> {
    return this.tx.run((m) => this.append(m, [input]));
  }

  recordMany(inputs: AuditInput[]): Promise<void> {
    if (inputs.length === 0) return Promise.resolve();
    return this.tx.run((m) => this.append(m, inputs));
  }

  private async append(manager: EntityManager, inputs: AuditInput[]): Promise<void> {
    const ctx = currentContext();
    const principal = ctx.principal;
    const actorType = principal ? principal.kind : 'system';
    const actorId = principal ? actorIdOf(principal) : null;
    // Seal first (may create contact keys), then take the lock for as short as possible.
    const prepared: (AuditInput & { before: unknown; after: unknown })[] = [];
    for (const input of inputs) {
      // Everything that is hashed is first put in the form its column stores, so the hash covers what is stored.
      const contactId = input.contactId ? storedUuid(input.contactId) : null;
      const i = { ...input, contactId, entityId: storedEntityId(input.entityId) };
      // One connection: sealing (which may create the contact's key) runs in sequence, not in parallel.
      let before = i.before === undefined ? null : asStoredJson(stripSecrets(i.before));
      let after = i.after === undefined ? null : asStoredJson(stripSecrets(i.after));
      if (contactId) {
        before = before === null ? null : await this.sealed(contactId, before, manager);
        after = after === null ? null : await this.sealed(contactId, after, manager);
      }
      prepared.push({ ...i, before, after });
    }
    const head = await this.events.lockChainHead(manager);
    let seq = head ? head.seq : 0n;
    let prevHash = head ? head.hash : GENESIS_HASH;
    const occurredAt = new Date();
    const rows: Parameters<AuditEventsRepository['insert']>[1] = [];
    for (const p of prepared) {
      seq += 1n;
      const row = {
        id: randomUUID(),
        seq: seq.toString(),
        occurred_at: occurredAt,
        actor_type: actorType,
        actor_id: actorId,
        action: p.action,
        entity_type: p.entityType,
        entity_id: p.entityId ?? null,
        contact_id: p.contactId ?? null,
        request_id: ctx.requestId ?? null,
        before: p.before,
        after: p.after,
        prev_hash: prevHash,
      };
      const hash = auditHash(row);
      rows.push({
        ...row,
        before: row.before === null ? null : JSON.stringify(row.before),
        after: row.after === null ? null : JSON.stringify(row.after),
        hash,
      });
      prevHash = hash;
    }
    await this.events.insert(manager, rows);
  }

  /** A contact's personal values, sealed under its data key; after erasure they are not kept at all. */
  private async sealed(contactId: string, value: unknown, manager: EntityManager): Promise<{ sealed: string } | { erased: true }> {
    const sealed = await this.crypto.sealForContact(contactId, value, manager);
    return sealed === null ? { erased: true } : { sealed };
  }
}
