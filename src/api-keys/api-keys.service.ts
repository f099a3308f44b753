import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LRUCache } from 'lru-cache';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuditService } from '../audit/audit.service.js';
import { ApiKeyDirectory } from '../auth/directories.js';
import { Principal } from '../auth/role.js';
import { NotFoundError, ValidationFailedError } from '../common/errors/domain.error.js';
import { assertIfMatch, IfMatch } from '../common/http/etag.js';
import { Page, PageQueryDto } from '../common/http/pagination.js';
import { authConfig } from '../config/app.config.js';
import { TransactionService } from '../database/transaction.service.js';
import { RecipientsRepository } from '../recipients/recipients.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import { ApiKey } from './api-key.entity.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeyResponseDto, CreatedApiKeyResponseDto } from './dto/api-key.response.dto.js';
import { CreateApiKeyDto } from './dto/create-api-key.dto.js';

/** Recognisable prefix: secret scanners and log searches can find leaked keys by it. */
export const API_KEY_PREFIX = 'rapk_';
const KEY_PATTERN = /^rapk_[A-Za-z0-9_-]{20,200}$/;
const CACHE_TTL_MS = 10_000;

export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

const toResponse = (k: ApiKey): ApiKeyResponseDto => ({
  id: k.id,
  name: k.name,
  role: k.role,
  userId: k.userId,
  recipientId: k.recipientId,
  oauthClientId: k.oauthClientId,
  prefix: k.prefix,
  expiresAt: k.expiresAt,
  revokedAt: k.revokedAt,
  version: k.version,
  createdAt: k.createdAt,
});

interface CachedKey {
  principal: Principal;
  expiresAt: number | null;
}

@Injectable()
export class ApiKeysService implements ApiKeyDirectory, OnApplicationBootstrap {
  private readonly logger = new Logger(ApiKeysService.name);
  /** Recently verified keys by hash, for CACHE_TTL_MS; revocation evicts at once. */
  private readonly cache = new LRUCache<string, CachedKey>({ max: 10_000, ttl: CACHE_TTL_MS });

  constructor(
    private readonly tx: TransactionService,
    private readonly keys: ApiKeysRepository,
    private readonly users: UsersRepository,
    private readonly recipients: RecipientsRepository,
    private readonly audit: AuditService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  /** ADMIN_API_KEY: make sure an active admin key with exactly this secret exists. */
  async onApplicationBootstrap(): Promise<void> {
    const secret = this.config.adminApiKey;
    if (!secret) return;
    const keyHash = hashApiKey(secret);
    await this.tx.run(async (m) => {
      const existing = await this.keys.findByHash(m, keyHash);
      if (existing && !existing.revokedAt && (!existing.expiresAt || existing.expiresAt > new Date()) && existing.role === 'admin') return;
      if (existing) {
        await this.keys.restore(m, existing.id, 'admin');
        await this.audit.record({ action: 'restore', entityType: 'api_key', entityId: existing.id, after: { role: 'admin', reason: 'ADMIN_API_KEY' } });
        return;
      }
      const key = await this.keys.insert(m, {
        name: 'Bootstrap admin (ADMIN_API_KEY)',
        role: 'admin',
        prefix: secret.slice(0, 12),
        keyHash,
        createdBy: 'ADMIN_API_KEY',
      });
      await this.audit.record({ action: 'create', entityType: 'api_key', entityId: key.id, after: toResponse(key) });
      this.logger.log('Bootstrap admin API key from ADMIN_API_KEY is ready');
    });
  }

  async create(dto: CreateApiKeyDto, createdBy: string): Promise<CreatedApiKeyResponseDto> {
    if (dto.role !== 'integration' && dto.recipientId) {
      throw new ValidationFailedError('recipientId is only for integration keys', [
        { field: 'recipientId', message: 'only integration keys are bound to a recipient' },
      ]);
    }
    if (dto.role !== 'integration' && dto.oauthClientId) {
      throw new ValidationFailedError('oauthClientId is only for integration keys', [
        { field: 'oauthClientId', message: 'only integration keys can be used through OAuth client credentials' },
      ]);
    }
    const m = this.tx.manager;
    if (dto.userId && !(await this.users.exists(m, dto.userId))) {
      throw new NotFoundError('User', dto.userId);
    }
    if (dto.recipientId && !(await this.recipients.exists(m, dto.recipientId))) {
      throw new NotFoundError('Recipient', dto.recipientId);
    }
    const secret = API_KEY_PREFIX + randomBytes(32).toString('base64url');
    const saved = await this.keys.insert(m, {
      name: dto.name,
      role: dto.role,
      userId: dto.userId ?? null,
      recipientId: dto.recipientId ?? null,
      oauthClientId: dto.oauthClientId ?? null,
      prefix: secret.slice(0, 12),
      keyHash: hashApiKey(secret),
      expiresAt: dto.expiresAt ? new Date(dto.expiresAt) : null,
      createdBy,
    });
    await this.audit.record({ action: 'create', entityType: 'api_key', entityId: saved.id, after: toResponse(saved) });
    return { ...toResponse(saved), key: secret };
  }

  list(q: PageQueryDto): Promise<Page<ApiKeyResponseDto>> {
    return this.keys.page(q, toResponse);
  }

  async findOne(id: string): Promise<ApiKeyResponseDto> {
    const key = await this.keys.findById(this.tx.manager, id);
    if (!key) throw new NotFoundError('API key', id);
    return toResponse(key);
  }

  /** Revokes at once; `If-Match` must name the current version (412 otherwise), as on every DELETE. */
  async revoke(id: string, ifMatch: IfMatch): Promise<void> {
    const m = this.tx.manager;
    const key = await this.keys.findById(m, id, this.tx.inTransaction);
    if (!key) throw new NotFoundError('API key', id);
    assertIfMatch(ifMatch, key.version);
    if (!key.revokedAt) {
      const before = toResponse(key);
      key.revokedAt = new Date();
      await this.keys.save(m, key);
      await this.audit.record({ action: 'revoke', entityType: 'api_key', entityId: id, before, after: toResponse(key) });
    }
    this.evict(id);
  }

  private evict(id: string): void {
    const doomed = [...this.cache.entries()].filter(([, entry]) => entry.principal.credentialId === id).map(([hash]) => hash);
    for (const hash of doomed) this.cache.delete(hash);
  }

  /** Resolves an `X-API-Key` to a principal, or null. Hashes are compared in constant time. */
  async authenticate(presented: string): Promise<Principal | null> {
    const hashHex = hashApiKey(presented);
    // ADMIN_API_KEY may have any shape: compared by hash in constant time, never with a string `!==` on the secret.
    if (!KEY_PATTERN.test(presented) && !this.isAdminApiKey(hashHex)) return null;
    const now = Date.now();
    const cached = this.cache.get(hashHex);
    if (cached) {
      if (cached.expiresAt !== null && cached.expiresAt <= now) return null;
      return cached.principal;
    }
    const row = await this.keys.unrevokedByHash(hashHex);
    const presentedHash = Buffer.from(hashHex, 'hex');
    if (
      !row ||
      !timingSafeEqual(Buffer.from(row.key_hash, 'hex'), presentedHash) ||
      // The key of a deactivated user is refused (and not cached).
      (row.user_id !== null && !(await this.users.isActive(this.tx.dataSource.manager, row.user_id)))
    ) {
      this.cache.delete(hashHex);
      return null;
    }
    const principal: Principal = {
      kind: 'api_key',
      credentialId: row.id,
      role: row.role,
      userId: row.user_id,
      recipientId: row.recipient_id,
    };
    const expiresAt = row.expires_at ? new Date(row.expires_at).getTime() : null;
    this.cache.set(hashHex, { principal, expiresAt });
    if (expiresAt !== null && expiresAt <= now) return null;
    return principal;
  }

  private isAdminApiKey(presentedHashHex: string): boolean {
    const secret = this.config.adminApiKey;
    return !!secret && timingSafeEqual(Buffer.from(hashApiKey(secret), 'hex'), Buffer.from(presentedHashHex, 'hex'));
  }

  /** An OAuth client registered on an active integration key acts exactly like that key. */
  async principalForOauthClient(clientId: string): Promise<Principal | null> {
    const key = await this.keys.activeIntegrationKeyForOauthClient(clientId);
    if (!key) return null;
    return { kind: 'oidc_client', credentialId: key.id, role: 'integration', userId: key.user_id, recipientId: key.recipient_id };
  }
}
