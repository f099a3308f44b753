import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { compactVerify, importJWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { EntityManager } from 'typeorm';
import { AuditEventsRepository } from '../audit/audit-events.repository.js';
import { AuditSealer } from '../audit/audit-sealer.js';
import { currentContext } from '../common/context/request-context.js';
import { actorIdOf } from '../common/context/principal.js';
import { ConflictError } from '../common/errors/domain.error.js';
import { decodeCursor, Page, PageQueryDto, pageSize, toPage } from '../common/http/pagination.js';
import { auditConfig } from '../config/app.config.js';
import { TransactionService } from '../database/transaction.service.js';
import { SigningKeysService } from '../disclosures/signing-keys.service.js';
import { CheckpointRow, CheckpointsRepository } from './checkpoints.repository.js';
import { AuditCheckpointResponseDto } from './dto/audit-event.dto.js';

export const CHECKPOINT_JWS_TYPE = 'rapport-audit-checkpoint+jws';

/** What a checkpoint signs. */
export interface CheckpointPayload {
  seq: number;
  hash: string;
  signedAt: string;
}

/** A checkpoint as read back for verification, with where it came from. */
export interface ReadCheckpoint extends CheckpointPayload {
  id: string;
  source: 'file' | 'database';
}

const toResponse = (r: CheckpointRow): AuditCheckpointResponseDto => ({
  id: r.id,
  seq: Number(r.seq),
  hash: r.hash,
  signedAt: new Date(r.signed_at),
  jws: r.jws,
});

/** `checkpoint-<seq, 20 digits>-<id>.json`: sorted by name, the last file is the latest checkpoint. */
const fileName = (seq: string, id: string) => `checkpoint-${seq.padStart(20, '0')}-${id}.json`;

/**
 * Signed checkpoints of the audit chain (the idea of Certificate Transparency's signed tree heads): the chain's head
 * `{seq, hash}` signed with the service's Ed25519 receipt key (published at /.well-known/jwks.json), stored in the
 * database and written as a file to AUDIT_CHECKPOINT_DIR. Someone who can rewrite the database can recompute every
 * hash of the chain, but cannot sign a new checkpoint without the master key nor change the files elsewhere.
 */
@Injectable()
export class CheckpointsService {
  private readonly logger = new Logger(CheckpointsService.name);

  constructor(
    @Inject(auditConfig.KEY) private readonly config: ConfigType<typeof auditConfig>,
    private readonly tx: TransactionService,
    private readonly events: AuditEventsRepository,
    private readonly checkpoints: CheckpointsRepository,
    private readonly signing: SigningKeysService,
    private readonly sealer: AuditSealer,
  ) {}

  /** Signs the current head of the chain (409 AUDIT_TRAIL_EMPTY when nothing was audited yet). */
  async create(m: EntityManager = this.tx.manager): Promise<AuditCheckpointResponseDto> {
    await this.sealer.sealPending();
    const head = await this.events.head();
    if (!head) throw new ConflictError('AUDIT_TRAIL_EMPTY', 'The audit trail has no event yet: there is nothing to sign');
    const signedAt = new Date();
    const payload: CheckpointPayload = { seq: Number(head.seq), hash: head.hash, signedAt: signedAt.toISOString() };
    const { jws, kid } = await this.signing.signCompact(payload, CHECKPOINT_JWS_TYPE);
    const principal = currentContext().principal;
    const row: CheckpointRow = { id: randomUUID(), seq: head.seq.toString(), hash: head.hash, signed_at: signedAt, kid, jws };
    await this.checkpoints.insert(m, { ...row, created_by: principal ? actorIdOf(principal) : null });
    await this.writeFile(row);
    return toResponse(row);
  }

  async list(q: PageQueryDto): Promise<Page<AuditCheckpointResponseDto>> {
    const limit = pageSize(q);
    const before = decodeCursor<[string, string]>(q.cursor, 2);
    const rows = await this.checkpoints.page(limit + 1, before);
    return toPage(rows, limit, toResponse, (r) => [new Date(r.signed_at).toISOString(), r.id]);
  }

  /** The seq of the latest checkpoint in the database (0 when none). */
  async latestSeq(): Promise<bigint> {
    const latest = await this.checkpoints.latest();
    return latest ? BigInt(latest.seq) : 0n;
  }

  /**
   * The latest checkpoint whose signature verifies: from the files first (outside the database's reach), else from
   * the database. Files that do not verify are skipped, with a warning.
   */
  async latestVerified(): Promise<ReadCheckpoint | undefined> {
    const keys = (await this.signing.publicKeys()).keys;
    const verify = async (jws: string): Promise<CheckpointPayload | undefined> => {
      try {
        const [encodedHeader] = jws.split('.');
        const header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8')) as { kid?: string; typ?: string };
        const jwk = keys.find((k) => k.kid === header.kid);
        if (!jwk || header.typ !== CHECKPOINT_JWS_TYPE) return undefined;
        const { payload } = await compactVerify(jws, await importJWK(jwk, jwk.alg));
        return JSON.parse(new TextDecoder().decode(payload)) as CheckpointPayload;
      } catch {
        return undefined;
      }
    };
    for (const file of await this.files()) {
      try {
        const stored = JSON.parse(await fs.readFile(path.join(this.config.checkpointDir, file), 'utf8')) as { id: string; jws: string };
        const payload = await verify(stored.jws);
        if (payload) return { ...payload, id: stored.id, source: 'file' };
        this.logger.warn(`audit checkpoint file ${file} does not verify; skipped`);
      } catch {
        this.logger.warn(`audit checkpoint file ${file} cannot be read; skipped`);
      }
    }
    const latest = await this.checkpoints.latest();
    if (!latest) return undefined;
    const payload = await verify(latest.jws);
    return payload ? { ...payload, id: latest.id, source: 'database' } : undefined;
  }

  /** Checkpoint files, latest first. */
  private async files(): Promise<string[]> {
    try {
      const names = await fs.readdir(this.config.checkpointDir);
      return names.filter((n) => /^checkpoint-\d{20}-[0-9a-f-]{36}\.json$/.test(n)).sort().reverse();
    } catch {
      return [];
    }
  }

  private async writeFile(row: CheckpointRow): Promise<void> {
    await fs.mkdir(this.config.checkpointDir, { recursive: true, mode: 0o700 });
    const body = { id: row.id, seq: Number(row.seq), hash: row.hash, signedAt: new Date(row.signed_at).toISOString(), kid: row.kid, jws: row.jws };
    // A file is never overwritten (flag wx): a checkpoint, once written, stays as it was.
    await fs.writeFile(path.join(this.config.checkpointDir, fileName(row.seq, row.id)), `${JSON.stringify(body, null, 2)}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
  }
}
