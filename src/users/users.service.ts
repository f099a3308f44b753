import { Injectable } from '@nestjs/common';
import { UnauthenticatedError } from '../api-keys/api-keys.service.js';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/errors/domain.error.js';
import { Page, PageQueryDto } from '../common/http/pagination.js';
import { pageByCreation } from '../database/page-by-creation.js';
import { TransactionService } from '../database/transaction.service.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { UserResponseDto } from './dto/user.response.dto.js';
import { toUserResponse } from './user.mapper.js';
import { User } from './user.entity.js';

export interface OidcIdentity {
  issuer: string;
  subject: string;
  role: 'admin' | 'staff' | 'compliance';
  name?: string;
  email?: string;
}

@Injectable()
export class UsersService {
  /** OIDC identities already seen: avoids a write on every bearer request. */
  private readonly seen = new Map<string, { id: string; role: string; at: number }>();

  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
  ) {}

  private get repo() {
    return this.tx.manager.getRepository(User);
  }

  async create(dto: CreateUserDto): Promise<UserResponseDto> {
    const user = await this.repo.save(this.repo.create({ name: dto.name, email: dto.email, role: dto.role }));
    await this.audit.record({ action: 'create', entityType: 'user', entityId: user.id, after: toUserResponse(user) });
    return toUserResponse(user);
  }

  async findOne(id: string): Promise<UserResponseDto> {
    const user = await this.repo.findOneBy({ id });
    if (!user) throw new NotFoundError('User', id);
    return toUserResponse(user);
  }

  list(q: PageQueryDto): Promise<Page<UserResponseDto>> {
    return pageByCreation(this.repo, q, toUserResponse);
  }

  /** Staff signing in through OIDC become users on first sight; identity = issuer + subject. */
  async upsertFromOidc(identity: OidcIdentity): Promise<string> {
    const cacheKey = `${identity.issuer}\n${identity.subject}`;
    const hit = this.seen.get(cacheKey);
    if (hit && hit.role === identity.role && Date.now() - hit.at < 60_000) return hit.id;
    const id = await this.tx.run(async (m) => {
      const existing = await m.getRepository(User).findOneBy({ oidcIssuer: identity.issuer, oidcSubject: identity.subject });
      if (existing) {
        if (!existing.active) throw new UnauthenticatedError('This user is deactivated');
        if (existing.role !== identity.role) {
          const before = toUserResponse(existing);
          existing.role = identity.role;
          await m.getRepository(User).save(existing);
          await this.audit.record({ action: 'update', entityType: 'user', entityId: existing.id, before, after: toUserResponse(existing) });
        }
        return existing.id;
      }
      const rows: { id: string }[] = await m.query(
        `INSERT INTO users (name, email, role, oidc_issuer, oidc_subject) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (oidc_issuer, oidc_subject) WHERE oidc_subject IS NOT NULL DO UPDATE SET updated_at = now()
         RETURNING id`,
        [identity.name ?? identity.subject, null, identity.role, identity.issuer, identity.subject],
      );
      const created = await m.getRepository(User).findOneByOrFail({ id: rows[0].id });
      await this.audit.record({ action: 'create', entityType: 'user', entityId: created.id, after: toUserResponse(created) });
      return created.id;
    });
    if (this.seen.size > 10_000) this.seen.clear();
    this.seen.set(cacheKey, { id, role: identity.role, at: Date.now() });
    return id;
  }
}
