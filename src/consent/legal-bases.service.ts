import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { actorIdOf, type Principal } from '../auth/role.js';
import { ConflictError, GoneError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error.js';
import { Page, PageQueryDto, pageSize, toPage } from '../common/http/pagination.js';
import { ContactsRepository } from '../contacts/contacts.repository.js';
import { TransactionService } from '../database/transaction.service.js';
import { PurposesRepository } from '../purposes/purposes.repository.js';
import { PurposesService } from '../purposes/purposes.service.js';
import { isLiveBasis, PERSONAL_BASES } from './consent-decision.js';
import { CreateLegalBasisDto, LegalBasisResponseDto } from './dto/legal-basis.dto.js';
import { LegalBasesRepository, type LegalBasisRow } from './legal-bases.repository.js';

/** A basis as the API shows it; `status` computed at `now`. A validFrom in the future is allowed (a contract from next month). */
export function toLegalBasisResponse(r: LegalBasisRow, purpose: { key: string; legalBasis: string }, now = new Date()): LegalBasisResponseDto {
  const basis = { id: r.id, validFrom: new Date(r.valid_from), validUntil: r.valid_until ? new Date(r.valid_until) : null, endedAt: r.ended_at ? new Date(r.ended_at) : null };
  const status = basis.endedAt
    ? 'ended'
    : isLiveBasis(basis, now)
      ? 'live'
      : basis.validFrom.getTime() > now.getTime()
        ? 'not_yet_valid'
        : 'lapsed';
  return {
    id: r.id,
    contactId: r.contact_id,
    purpose: purpose.key,
    purposeId: r.purpose_id,
    legalBasis: purpose.legalBasis,
    reference: r.reference,
    validFrom: basis.validFrom,
    validUntil: basis.validUntil,
    status,
    endedAt: basis.endedAt,
    endReason: r.end_reason,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

/**
 * Per-person legal bases (issue 12): the record that a `contract`, `legal_obligation`, `vital_interests` or
 * `public_task` purpose really applies to this person (the contract number, the statute…). Append-only like consents:
 * recorded, then ended once; ending twice answers the first ending (idempotent, like withdrawing a consent twice).
 */
@Injectable()
export class LegalBasesService {
  constructor(
    private readonly tx: TransactionService,
    private readonly bases: LegalBasesRepository,
    private readonly contacts: ContactsRepository,
    private readonly purposes: PurposesService,
    private readonly purposeRows: PurposesRepository,
    private readonly audit: AuditService,
  ) {}

  async record(contactId: string, dto: CreateLegalBasisDto, principal: Principal): Promise<LegalBasisResponseDto> {
    const now = new Date();
    const validFrom = dto.validFrom ? new Date(dto.validFrom) : now;
    const validUntil = dto.validUntil ? new Date(dto.validUntil) : null;
    if (validUntil && validUntil.getTime() <= validFrom.getTime()) {
      throw new ValidationFailedError('validUntil must be after validFrom', [{ field: 'validUntil', message: 'must be after validFrom' }]);
    }
    const m = this.tx.manager;
    // FOR SHARE: erasure and merge of the contact cannot interleave.
    const contact = await this.contacts.erasedAtLocked(m, contactId, 'share');
    if (!contact) throw new NotFoundError('Contact', contactId);
    if (contact.erasedAt) throw new GoneError('CONTACT_ERASED', `Contact ${contactId} was erased`);
    const purpose = await this.purposes.byKey(dto.purpose);
    if (purpose.retired) throw new ConflictError('PURPOSE_RETIRED', `Purpose ${dto.purpose} is retired`);
    if (!PERSONAL_BASES.includes(purpose.legalBasis)) {
      throw new ConflictError(
        'BASIS_NOT_RECORDABLE',
        `Purpose ${purpose.key} rests on ${purpose.legalBasis}; a basis per person is recorded only for ${PERSONAL_BASES.join(', ')} purposes`,
      );
    }
    const row = await this.bases.insert(m, { contactId, purposeId: purpose.id, reference: dto.reference, validFrom, validUntil, createdBy: actorIdOf(principal) });
    const body = toLegalBasisResponse(row, purpose, now);
    await this.audit.record({ action: 'create', entityType: 'legal_basis', entityId: row.id, contactId, after: body });
    return body;
  }

  /** Ends a basis (200). Ending an ended basis answers it as it is (idempotent; the first reason stays). */
  async end(id: string, reason: string | undefined, principal: Principal): Promise<LegalBasisResponseDto> {
    const m = this.tx.manager;
    const contactId = await this.bases.contactIdOf(m, id);
    if (!contactId) throw new NotFoundError('Legal basis', id);
    // Contact first (FOR NO KEY UPDATE, as a consent withdrawal): a concurrent disclosure decides before or after.
    await this.contacts.lockForWithdrawal(m, contactId);
    const current = await this.bases.find(m, id, true);
    if (!current) throw new NotFoundError('Legal basis', id);
    const purpose = await this.purposeOf(current.purpose_id);
    if (current.ended_at) return toLegalBasisResponse(current, purpose);
    const ended = (await this.bases.end(m, id, reason ?? null, actorIdOf(principal)))!;
    const before = toLegalBasisResponse(current, purpose);
    const after = toLegalBasisResponse(ended, purpose);
    await this.audit.record({ action: 'end', entityType: 'legal_basis', entityId: id, contactId: current.contact_id, before, after });
    return after;
  }

  async list(contactId: string, q: PageQueryDto): Promise<Page<LegalBasisResponseDto>> {
    const m = this.tx.manager;
    if (!(await this.contacts.exists(m, contactId))) throw new NotFoundError('Contact', contactId);
    const limit = pageSize(q);
    const rows = await this.bases.page(m, contactId, limit, q.cursor);
    const purposes = await this.purposeRows.basicsOf(m, [...new Set(rows.map((r) => r.purpose_id))]);
    const now = new Date();
    return toPage(
      rows,
      limit,
      (r) => {
        const p = purposes.get(r.purpose_id)!;
        return toLegalBasisResponse(r, { key: p.key, legalBasis: p.legal_basis }, now);
      },
      (r) => [r.k, r.id],
    );
  }

  private async purposeOf(purposeId: string): Promise<{ key: string; legalBasis: string }> {
    const p = (await this.purposeRows.basicsOf(this.tx.manager, [purposeId])).get(purposeId)!;
    return { key: p.key, legalBasis: p.legal_basis };
  }
}
