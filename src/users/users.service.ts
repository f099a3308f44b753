import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { OidcIdentity, UserDirectory } from '../auth/directories.js';
import { UnauthenticatedError } from '../auth/errors.js';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/errors/domain.error.js';
import { Page, PageQueryDto } from '../common/http/pagination.js';
import { TransactionService } from '../database/transaction.service.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { UserResponseDto } from './dto/user.response.dto.js';
import { toUserResponse } from './user.mapper.js';
import { UsersRepository } from './users.repository.js';

@Injectable()
export class UsersService implements UserDirectory {
  /** OIDC identities already seen: avoids a write on every bearer request. */
  private readonly seen = new LRUCache<string, { id: string; role: string }>({ max: 10_000, ttl: 60_000 });

  constructor(
    private readonly tx: TransactionService,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
  ) {}

  async create(dto: CreateUserDto): Promise<UserResponseDto> {
    const user = await this.users.create(this.tx.manager, { name: dto.name, email: dto.email, role: dto.role });
    await this.audit.record({ action: 'create', entityType: 'user', entityId: user.id, after: toUserResponse(user) });
    return toUserResponse(user);
  }

  async findOne(id: string): Promise<UserResponseDto> {
    const user = await this.users.findById(this.tx.manager, id);
    if (!user) throw new NotFoundError('User', id);
    return toUserResponse(user);
  }

  list(q: PageQueryDto): Promise<Page<UserResponseDto>> {
    return this.users.page(q, toUserResponse);
  }

  /** Staff signing in through OIDC become users on first sight; identity = issuer + subject. */
  async upsertFromOidc(identity: OidcIdentity): Promise<string> {
    const cacheKey = `${identity.issuer}\n${identity.subject}`;
    const hit = this.seen.get(cacheKey);
    if (hit && hit.role === identity.role) return hit.id;
    const id = await this.tx.run(async (m) => {
      const existing = await this.users.findByOidcIdentity(m, identity.issuer, identity.subject);
      if (existing) {
        if (!existing.active) throw new UnauthenticatedError('This user is deactivated');
        if (existing.role !== identity.role) {
          const before = toUserResponse(existing);
          existing.role = identity.role;
          await this.users.save(m, existing);
          await this.audit.record({ action: 'update', entityType: 'user', entityId: existing.id, before, after: toUserResponse(existing) });
        }
        return existing.id;
      }
      const createdId = await this.users.insertFromOidc(m, {
        name: identity.name ?? identity.subject,
        email: null,
        role: identity.role,
        issuer: identity.issuer,
        subject: identity.subject,
      });
      const created = await this.users.findByIdOrFail(m, createdId);
      await this.audit.record({ action: 'create', entityType: 'user', entityId: created.id, after: toUserResponse(created) });
      return created.id;
    });
    this.seen.set(cacheKey, { id, role: identity.role });
    return id;
  }
}
