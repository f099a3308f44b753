import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { ConflictError, NotFoundError } from '../common/errors/domain.error.js';
import { Page, PageQueryDto, pageSize, toPage } from '../common/http/pagination.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { TransactionService } from '../database/transaction.service.js';
import { SuppressionResponseDto } from './dto/suppression.dto.js';
import { SuppressionsRepository, type SuppressionRow } from './suppressions.repository.js';

/** The one normal form of an address on the list: trimmed, lower-case (as contacts store them). */
export const normaliseSuppressed = (address: string): string => address.trim().toLowerCase();

const toResponse = (r: SuppressionRow): SuppressionResponseDto => ({ id: r.id, reason: r.reason, createdAt: r.created_at });

/**
 * The suppression list (issue 12): after erasure the person's e-mail addresses must not silently come back (a new
 * contact, an address added, an import). Each address is kept only as HMAC-SHA256 under a key derived from
 * MASTER_KEY, so the database alone cannot be checked against a list of addresses; the API never shows the hash.
 */
@Injectable()
export class SuppressionsService {
  private key?: Buffer;

  constructor(
    private readonly tx: TransactionService,
    private readonly repo: SuppressionsRepository,
    private readonly crypto: CryptoService,
    private readonly audit: AuditService,
  ) {}

  private hash(address: string): Buffer {
    this.key ??= this.crypto.suppressionKey();
    return createHmac('sha256', this.key).update(normaliseSuppressed(address), 'utf8').digest();
  }

  private hashesOf(addresses: readonly string[]): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    for (const a of addresses) {
      const n = normaliseSuppressed(a);
      if (n && !out.has(n)) out.set(n, this.hash(n));
    }
    return out;
  }

  /** Erasure: puts these addresses on the list (already listed ones stay as they are), audited without the address. */
  async suppress(m: EntityManager, addresses: readonly string[], reason: 'erasure' = 'erasure'): Promise<number> {
    const rows = await this.repo.insertMany(m, [...this.hashesOf(addresses).values()], reason);
    await this.audit.recordMany(rows.map((r) => ({ action: 'create', entityType: 'suppression', entityId: r.id, after: toResponse(r) })));
    return rows.length;
  }

  /** The addresses among these that are suppressed (in their normal form). */
  async suppressedAmong(m: EntityManager, addresses: readonly string[]): Promise<Set<string>> {
    const hashes = this.hashesOf(addresses);
    const listed = await this.repo.listed(m, [...hashes.values()]);
    return new Set([...hashes].filter(([, h]) => listed.has(h.toString('hex'))).map(([a]) => a));
  }

  /** 409 SUPPRESSED when any of these addresses is on the list (creating a contact, adding an address). */
  async assertNotSuppressed(m: EntityManager, addresses: readonly string[]): Promise<void> {
    if (addresses.length === 0) return;
    if ((await this.suppressedAmong(m, addresses)).size > 0) throw this.suppressedError();
  }

  /**
   * For a write composed into one statement (database/composed-write.ts): the SQL condition "one of these addresses
   * is on the list" (their hashes bound with `bind`); the caller answers `suppressedError()` when it held.
   */
  suppressedCondition(addresses: readonly string[], bind: (value: unknown, cast?: string) => string): string {
    return this.repo.listedCondition(bind([...this.hashesOf(addresses).values()], 'bytea[]'));
  }

  /** 409 SUPPRESSED: an address of the request is on the list. */
  suppressedError(): ConflictError {
    return new ConflictError(
      'SUPPRESSED',
      'An e-mail address belongs to a person who was erased and is on the suppression list; lift the suppression first (DELETE /suppressions/{id}) if the person asked to be added again',
    );
  }

  async list(q: PageQueryDto): Promise<Page<SuppressionResponseDto>> {
    const limit = pageSize(q);
    const rows = await this.repo.page(this.tx.manager, limit, q.cursor);
    return toPage(rows, limit, toResponse, (r) => [r.k, r.id]);
  }

  /** Lifts a suppression (e.g. the person asks to be added again): 204, audited. */
  async lift(id: string): Promise<void> {
    const row = await this.repo.delete(this.tx.manager, id);
    if (!row) throw new NotFoundError('Suppression', id);
    await this.audit.record({ action: 'delete', entityType: 'suppression', entityId: id, before: toResponse(row) });
  }
}
