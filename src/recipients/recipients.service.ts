import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/errors/domain.error.js';
import { assertIfMatch, IfMatch } from '../common/http/etag.js';
import { LRUCache } from 'lru-cache';
import { Page, PageQueryDto } from '../common/http/pagination.js';
import { appConfig } from '../config/app.config.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { TransactionService } from '../database/transaction.service.js';
import { OrganisationsRepository } from '../organisations/organisations.repository.js';
import { CreateRecipientDto, RecipientResponseDto, RecipientWithSecretResponseDto, UpdateRecipientDto } from './dto/recipient.dto.js';
import { Recipient } from './recipient.entity.js';
import { RecipientRef, RecipientsRepository } from './recipients.repository.js';
import { assertSafeWebhookUrl } from './webhook-url.js';

export type { RecipientRef } from './recipients.repository.js';

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

const CACHE_TTL_MS = 5_000;

@Injectable()
export class RecipientsService {
  private readonly cache = new LRUCache<string, RecipientRef>({ max: 1000, ttl: CACHE_TTL_MS });

  constructor(
    private readonly tx: TransactionService,
    private readonly recipients: RecipientsRepository,
    private readonly organisations: OrganisationsRepository,
    private readonly audit: AuditService,
    private readonly crypto: CryptoService,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {}

  /** A recipient by id (cached for a few seconds; writes in this process evict at once), or 404. */
  async ref(id: string): Promise<RecipientRef> {
    const hit = this.cache.get(id);
    if (hit) return hit;
    const ref = await this.recipients.ref(id);
    if (!ref) throw new NotFoundError('Recipient', id);
    this.cache.set(id, ref);
    return ref;
  }

  private async checkOrganisation(id: string | null | undefined): Promise<void> {
    if (!id) return;
    if (!(await this.organisations.exists(this.tx.manager, id))) throw new NotFoundError('Organisation', id);
  }

  private async checkUrl(url: string | null | undefined): Promise<void> {
    if (url) await assertSafeWebhookUrl(url, this.app.webhookAllowPrivate, { unresolvable: 'allow' });
  }

  async create(dto: CreateRecipientDto): Promise<RecipientWithSecretResponseDto> {
    await this.checkOrganisation(dto.organisationId);
    await this.checkUrl(dto.webhookUrl);
    const secret = newWebhookSecret();
    const saved = await this.recipients.create({
      name: dto.name,
      kind: dto.kind,
      organisationId: dto.organisationId ?? null,
      webhookUrl: dto.webhookUrl ?? null,
      webhookSecretSealed: this.crypto.seal(secret),
      retiredAt: null,
    });
    const body = toResponse(saved);
    await this.audit.record({ action: 'create', entityType: 'recipient', entityId: saved.id, after: body });
    return { ...body, secret };
  }

  list(q: PageQueryDto): Promise<Page<RecipientResponseDto>> {
    return this.recipients.page(q, toResponse);
  }

  private async load(id: string, lock = false): Promise<Recipient> {
    const r = await this.recipients.findById(id, lock);
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
    const saved = await this.recipients.save(r);
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
    const saved = await this.recipients.save(r);
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
    const saved = await this.recipients.save(r);
    this.cache.delete(id);
    await this.audit.record({ action: 'retire', entityType: 'recipient', entityId: id, before, after: toResponse(saved) });
  }
}
