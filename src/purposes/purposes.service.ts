import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/errors/domain.error.js';
import { assertIfMatch, IfMatch } from '../common/http/etag.js';
import { LRUCache } from 'lru-cache';
import { Page, PageQueryDto } from '../common/http/pagination.js';
import { CreatePurposeDto, PurposeResponseDto, UpdatePurposeDto } from './dto/purpose.dto.js';
import { Purpose } from './purpose.entity.js';
import { PurposeRef, PurposesRepository } from './purposes.repository.js';

export type { PurposeRef } from './purposes.repository.js';

const toResponse = (p: Purpose): PurposeResponseDto => ({
  id: p.id,
  key: p.key,
  name: p.name,
  description: p.description,
  legalBasis: p.legalBasis,
  dataCategories: p.dataCategories,
  retentionDays: p.retentionDays,
  retiredAt: p.retiredAt,
  version: p.version,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

/** The gate's purposes, cached briefly in memory (the consent check is the hot path). */
const CACHE_TTL_MS = 5_000;

@Injectable()
export class PurposesService {
  private readonly cache = new LRUCache<string, PurposeRef>({ max: 1000, ttl: CACHE_TTL_MS });

  constructor(
    private readonly purposes: PurposesRepository,
    private readonly audit: AuditService,
  ) {}

  /** A purpose by key (cached for a few seconds; writes in this process evict at once), or 404. */
  async byKey(key: string): Promise<PurposeRef> {
    const hit = this.cache.get(key);
    if (hit) return hit;
    const ref = await this.purposes.refByKey(key);
    if (!ref) throw new NotFoundError('Purpose', key);
    this.cache.set(key, ref);
    return ref;
  }

  async create(dto: CreatePurposeDto): Promise<PurposeResponseDto> {
    const saved = await this.purposes.create({
      key: dto.key,
      name: dto.name,
      description: dto.description,
      legalBasis: dto.legalBasis,
      dataCategories: dto.dataCategories,
      retentionDays: dto.retentionDays ?? null,
      retiredAt: null,
    });
    this.cache.delete(saved.key);
    const body = toResponse(saved);
    await this.audit.record({ action: 'create', entityType: 'purpose', entityId: saved.id, after: body });
    return body;
  }

  list(q: PageQueryDto): Promise<Page<PurposeResponseDto>> {
    return this.purposes.page(q, toResponse);
  }

  private async load(id: string, lock = false): Promise<Purpose> {
    const p = await this.purposes.findById(id, lock);
    if (!p) throw new NotFoundError('Purpose', id);
    return p;
  }

  async findOne(id: string): Promise<PurposeResponseDto> {
    return toResponse(await this.load(id));
  }

  async update(id: string, dto: UpdatePurposeDto, ifMatch: IfMatch): Promise<PurposeResponseDto> {
    const p = await this.load(id, true);
    assertIfMatch(ifMatch, p.version);
    const before = toResponse(p);
    if (dto.name !== undefined) p.name = dto.name;
    if (dto.description !== undefined) p.description = dto.description;
    if (dto.legalBasis !== undefined) p.legalBasis = dto.legalBasis;
    if (dto.dataCategories !== undefined) p.dataCategories = dto.dataCategories;
    if (dto.retentionDays !== undefined) p.retentionDays = dto.retentionDays;
    const saved = await this.purposes.save(p);
    this.cache.delete(saved.key);
    const after = toResponse(saved);
    await this.audit.record({ action: 'update', entityType: 'purpose', entityId: id, before, after });
    return after;
  }

  /** DELETE retires: consents, objections and disclosures keep pointing at it, so it is never removed. */
  async retire(id: string, ifMatch: IfMatch): Promise<void> {
    const p = await this.load(id, true);
    assertIfMatch(ifMatch, p.version);
    if (p.retiredAt) return;
    const before = toResponse(p);
    p.retiredAt = new Date();
    const saved = await this.purposes.save(p);
    this.cache.delete(saved.key);
    await this.audit.record({ action: 'retire', entityType: 'purpose', entityId: id, before, after: toResponse(saved) });
  }
}
