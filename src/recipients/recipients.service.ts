import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/errors/domain.error.js';
import { assertIfMatch, IfMatch } from '../common/http/etag.js';
import { Page, PageQueryDto } from '../common/http/pagination.js';
import { appConfig } from '../config/app.config.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { pageByCreation } from '../database/page-by-creation.js';
import { TransactionService } from '../database/transaction.service.js';
import { CreateRecipientDto, RecipientResponseDto, RecipientWithSecretResponseDto, UpdateRecipientDto } from './dto/recipient.dto.js';
import { Recipient } from './recipient.entity.js';
import { assertSafeWebhookUrl } from './webhook-url.js';

/** A new Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

const toResponse = (r: Recipient): RecipientResponseDto => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  organisationId: r.organisationId,
  webhookUrl: r.webhookUrl,
  retiredAt: r.retiredAt,
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

export interface RecipientRef {
  id: string;
  retired: boolean;
}

const CACHE_TTL_MS = 5_000;

@Injectable()
export class RecipientsService {
  private readonly cache = new Map<string, { ref: RecipientRef; at: number }>();

  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly crypto: CryptoService,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {}

  private get repo() {
    return this.tx.manager.getRepository(Recipient);
  }

  /** A recipient by id (cached for a few seconds; writes in this process evict at once), or 404. */
  async ref(id: string): Promise<RecipientRef> {
    const hit = this.cache.get(id);
    const now = Date.now();
    if (hit && now - hit.at < CACHE_TTL_MS) return hit.ref;
    const rows: { id: string; retired_at: Date | null }[] = await this.tx.manager.query('SELECT id, retired_at FROM recipients WHERE id = $1', [id]);
    if (!rows[0]) throw new NotFoundError('Recipient', id);
    const ref = { id, retired: rows[0].retired_at !== null };
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(id, { ref, at: now });
    return ref;
  }

  private async checkOrganisation(id: string | null | undefined): Promise<void> {
    if (!id) return;
    if ((await this.tx.manager.query('SELECT 1 FROM organisations WHERE id = $1', [id])).length === 0) throw new NotFoundError('Organisation', id);
  }

  private async checkUrl(url: string | null | undefined): Promise<void> {
    if (url) await assertSafeWebhookUrl(url, this.app.webhookAllowPrivate, { unresolvable: 'allow' });
  }

  async create(dto: CreateRecipientDto): Promise<RecipientWithSecretResponseDto> {
    await this.checkOrganisation(dto.organisationId);
    await this.checkUrl(dto.webhookUrl);
    const secret = newWebhookSecret();
    const saved = await this.repo.save(
      this.repo.create({
        name: dto.name,
        kind: dto.kind,
        organisationId: dto.organisationId ?? null,
        webhookUrl: dto.webhookUrl ?? null,
        webhookSecretSealed: this.crypto.seal(secret),
        retiredAt: null,
      }),
    );
    const body = toResponse(saved);
    await this.audit.record({ action: 'create', entityType: 'recipient', entityId: saved.id, after: body });
    return { ...body, secret };
  }

  list(q: PageQueryDto): Promise<Page<RecipientResponseDto>> {
    return pageByCreation(this.repo, q, toResponse);
  }

  private async load(id: string, lock = false): Promise<Recipient> {
    const r = await this.repo.findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!r) throw new NotFoundError('Recipient', id);
    return r;
  }

  async findOne(id: string): Promise<RecipientResponseDto> {
    return toResponse(await this.load(id));
  }

  async update(id: string, dto: UpdateRecipientDto, ifMatch: IfMatch): Promise<RecipientResponseDto> {
    const r = await this.load(id, true);
    assertIfMatch(ifMatch, r.version);
    const before = toResponse(r);
    if (dto.organisationId !== undefined) await this.checkOrganisation(dto.organisationId);
    if (dto.webhookUrl !== undefined) await this.checkUrl(dto.webhookUrl);
    if (dto.name !== undefined) r.name = dto.name;
    if (dto.kind !== undefined) r.kind = dto.kind;
    if (dto.organisationId !== undefined) r.organisationId = dto.organisationId;
    if (dto.webhookUrl !== undefined) r.webhookUrl = dto.webhookUrl;
    const saved = await this.repo.save(r);
    this.cache.delete(id);
    const after = toResponse(saved);
    await this.audit.record({ action: 'update', entityType: 'recipient', entityId: id, before, after });
    return after;
  }

  /** A new signing secret, shown once; the old one stops being used at once. */
  async rotateSecret(id: string): Promise<RecipientWithSecretResponseDto> {
    const r = await this.load(id, true);
    const secret = newWebhookSecret();
    r.webhookSecretSealed = this.crypto.seal(secret);
    const saved = await this.repo.save(r);
    const body = toResponse(saved);
    await this.audit.record({ action: 'rotate_secret', entityType: 'recipient', entityId: id, after: { version: saved.version } });
    return { ...body, secret };
  }

  /** DELETE retires: disclosures keep pointing at it; new disclosures to it are refused (409), checks still answer. */
  async retire(id: string, ifMatch: IfMatch): Promise<void> {
    const r = await this.load(id, true);
    assertIfMatch(ifMatch, r.version);
    if (r.retiredAt) return;
    const before = toResponse(r);
    r.retiredAt = new Date();
    const saved = await this.repo.save(r);
    this.cache.delete(id);
    await this.audit.record({ action: 'retire', entityType: 'recipient', entityId: id, before, after: toResponse(saved) });
  }
}
