import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { afterCreated } from '../common/http/pagination.js';
import { queryRows } from '../database/sql.js';
import { TransactionService } from '../database/transaction.service.js';
import { Consent } from './consent.entity.js';
import { Objection } from './objection.entity.js';

/** A page's key of a consent: its id, purpose and exact (microsecond) creation time as text. */
export interface ConsentKeyRow {
  id: string;
  purpose_id: string;
  k: string;
}

export interface ObjectionRow {
  id: string;
  contact_id: string;
  purpose_id: string;
  reason: string | null;
  recorded_by: string | null;
  created_at: Date;
  k: string;
}

/** A (contact, purpose, recipient) whose disclosure an expired consent covered. */
export interface CoverageTriple {
  contactId: string;
  purposeId: string;
  recipientId: string;
}

/** The consents and objections tables (the consent gate's own set-based query is in consent-gate.query.ts). */
@Injectable()
export class ConsentsRepository {
  constructor(private readonly tx: TransactionService) {}

  private get consents() {
    return this.tx.manager.getRepository(Consent);
  }

  create(values: Omit<Consent, 'id' | 'createdAt'>): Promise<Consent> {
    return this.consents.save(this.consents.create(values));
  }

  save(c: Consent): Promise<Consent> {
    return this.consents.save(c);
  }

  findById(id: string): Promise<Consent | null> {
    return this.consents.findOneBy({ id });
  }

  /** The consent awaiting this confirmation token, locked (FOR UPDATE). */
  findByTokenHashForUpdate(hash: string): Promise<Consent | null> {
    return this.consents.findOne({ where: { confirmationTokenHash: hash }, lock: { mode: 'pessimistic_write' } });
  }

  async contactIdOf(id: string): Promise<string | undefined> {
    const [r] = await queryRows<{ contact_id: string }>(this.tx.manager, 'SELECT contact_id FROM consents WHERE id = $1', [id]);
    return r?.contact_id;
  }

  /** FOR NO KEY UPDATE: it does not block the foreign-key checks of a concurrent disclosure's items. */
  async lockForWithdrawal(id: string): Promise<void> {
    await this.tx.manager.query('SELECT 1 FROM consents WHERE id = $1 FOR NO KEY UPDATE', [id]);
  }

  /** A page of a contact's consents, newest first (keys only: the entities come from `byIds`). */
  pageKeysForContact(contactId: string, limit: number, cursor: string | undefined): Promise<ConsentKeyRow[]> {
    const params: unknown[] = [contactId, limit + 1];
    const after = afterCreated(cursor, 'k', 'desc', (v) => `$${params.push(v)}`);
    const where = `k.contact_id = $1 ${after ? `AND ${after}` : ''}`;
    // Keyset on the exact (microsecond) creation time, carried as text: a JS Date would truncate it.
    return queryRows<ConsentKeyRow>(
      this.tx.manager,
      `SELECT k.id, k.purpose_id, k.created_at::text AS k FROM consents k
       WHERE ${where} ORDER BY k.created_at DESC, k.id DESC LIMIT $2`,
      params,
    );
  }

  byIds(ids: string[]): Promise<Consent[]> {
    return ids.length ? this.consents.findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  createObjection(values: Pick<Objection, 'contactId' | 'purposeId' | 'reason' | 'recordedBy'>): Promise<Objection> {
    const repo = this.tx.manager.getRepository(Objection);
    return repo.save(repo.create(values));
  }

  /** A page of a contact's objections, oldest first. */
  pageObjections(contactId: string, limit: number, cursor: string | undefined): Promise<ObjectionRow[]> {
    const params: unknown[] = [contactId, limit + 1];
    const after = afterCreated(cursor, 'o', 'asc', (v) => `$${params.push(v)}`);
    const where = `o.contact_id = $1 ${after ? `AND ${after}` : ''}`;
    return queryRows<ObjectionRow>(
      this.tx.manager,
      `SELECT o.id, o.contact_id, o.purpose_id, o.reason, o.recorded_by, o.created_at, o.created_at::text AS k
       FROM objections o WHERE ${where} ORDER BY o.created_at, o.id LIMIT $2`,
      params,
    );
  }

  /**
   * The triples among `triples` that a live consent still covers: granted, not expired, for every recipient or
   * naming this one (the consent-expiry scan notifies only the others).
   */
  async stillCovered(m: EntityManager, triples: CoverageTriple[]): Promise<CoverageTriple[]> {
    if (triples.length === 0) return [];
    const rows = await queryRows<{ contact_id: string; purpose_id: string; recipient_id: string }>(
      m,
      `SELECT t.contact_id, t.purpose_id, t.recipient_id
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS t(contact_id, purpose_id, recipient_id)
        WHERE EXISTS (
              SELECT 1 FROM consents live
               WHERE live.contact_id = t.contact_id
                 AND live.purpose_id = t.purpose_id
                 AND live.status = 'granted'
                 AND (live.expires_at IS NULL OR live.expires_at > now())
                 AND (live.recipient_ids IS NULL OR cardinality(live.recipient_ids) = 0 OR t.recipient_id = ANY (live.recipient_ids)))`,
      [triples.map((t) => t.contactId), triples.map((t) => t.purposeId), triples.map((t) => t.recipientId)],
    );
    return rows.map((r) => ({ contactId: r.contact_id, purposeId: r.purpose_id, recipientId: r.recipient_id }));
  }
}
