import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig } from '../config/app.config.js';
import { buildConsentReceipt, type ReceiptPurpose } from './consent-receipt.js';
import { createHash, randomBytes } from 'node:crypto';
import { AuditService } from '../audit/audit.service.js';
import { actorIdOf, type Principal } from '../auth/role.js';
import { ConflictError, DomainError, ForbiddenError, GoneError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error.js';
import { Page, PageQueryDto, pageSize, toPage } from '../common/http/pagination.js';
import { ContactsRepository } from '../contacts/contacts.repository.js';
import { InteractionsRepository } from '../interactions/interactions.repository.js';
import { TransactionService } from '../database/transaction.service.js';
import { PurposesRepository } from '../purposes/purposes.repository.js';
import { PurposesService } from '../purposes/purposes.service.js';
import { RecipientsRepository } from '../recipients/recipients.repository.js';
import { RecipientNotifier } from '../webhooks/recipient-notifier.service.js';
import { covers, effectiveStatus } from './consent-decision.js';
import { Consent } from './consent.entity.js';
import { ConsentsRepository } from './consents.repository.js';
import {
  ConfirmedConsentResponseDto,
  ConsentResponseDto,
  CreateConsentDto,
  CreateObjectionDto,
  ObjectionResponseDto,
} from './dto/consent.dto.js';
import { Objection } from './objection.entity.js';

/** How long a double opt-in confirmation token stays valid. */
export const CONFIRMATION_TTL_MS = 7 * 24 * 3600 * 1000;
/** Clock skew tolerated for an `obtainedAt` in the future. */
const FUTURE_SKEW_MS = 5 * 60 * 1000;

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

type ConsentWithKey = Consent & { purposeKey: string };

export function toConsentResponse(c: ConsentWithKey, now = new Date()): ConsentResponseDto {
  return {
    id: c.id,
    contactId: c.contactId,
    purpose: c.purposeKey,
    purposeId: c.purposeId,
    recipientIds: c.recipientIds ?? [],
    status: effectiveStatus(c, now),
    method: c.method,
    noticeVersion: c.noticeVersion,
    noticeHash: c.noticeHash,
    evidence: c.evidence,
    interactionId: c.interactionId,
    recordedBy: c.recordedBy,
    obtainedAt: c.obtainedAt,
    expiresAt: c.expiresAt,
    confirmedAt: c.confirmedAt,
    withdrawnAt: c.withdrawnAt,
    withdrawalReason: c.withdrawalReason,
    createdAt: c.createdAt,
  };
}

@Injectable()
export class ConsentsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly consents: ConsentsRepository,
    private readonly contacts: ContactsRepository,
    private readonly interactions: InteractionsRepository,
    private readonly purposeRows: PurposesRepository,
    private readonly recipients: RecipientsRepository,
    private readonly audit: AuditService,
    private readonly purposes: PurposesService,
    private readonly notifier: RecipientNotifier,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {}

  /**
   * The contact must exist (and, for writes, not be erased). `lock`:
   * - `share` (recording a consent): erasure and merge cannot interleave;
   * - `gate` (withdrawal, objection — changes that take data away): FOR NO KEY UPDATE, which conflicts with the
   *   FOR SHARE a disclosure takes on its contacts *before* deciding. Either the disclosure decides after this
   *   change committed, or this change waits for the disclosure to commit and its Art. 19 notification then
   *   sees the disclosure. No recipient can receive data under a basis that ended unnoticed.
   */
  private async assertContact(contactId: string, lock: 'none' | 'share' | 'gate'): Promise<void> {
    const row = await this.contacts.erasedAtLocked(this.tx.manager, contactId, lock);
    if (!row) throw new NotFoundError('Contact', contactId);
    if (lock !== 'none' && row.erasedAt) throw new GoneError('CONTACT_ERASED', `Contact ${contactId} was erased`);
  }

  private purposeKeyOf(purposeId: string): Promise<string> {
    return this.purposeRows.keyOf(purposeId);
  }

  async record(contactId: string, dto: CreateConsentDto, principal: Principal): Promise<ConsentResponseDto> {
    const now = new Date();
    const pending = dto.confirmed === false;
    if (pending && dto.method !== 'email_double_opt_in') {
      throw new ValidationFailedError('confirmed: false is only for email_double_opt_in', [
        { field: 'confirmed', message: 'only email_double_opt_in consents can await confirmation' },
      ]);
    }
    const obtainedAt = dto.obtainedAt ? new Date(dto.obtainedAt) : now;
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : null;
    if (obtainedAt.getTime() > now.getTime() + FUTURE_SKEW_MS) {
      throw new ValidationFailedError('obtainedAt is in the future', [{ field: 'obtainedAt', message: 'must not be in the future' }]);
    }
    // With an explicit obtainedAt the expiry must follow it; without one, a past expiresAt records a consent expired from the start.
    if (expiresAt && dto.obtainedAt && expiresAt.getTime() <= obtainedAt.getTime()) {
      throw new ValidationFailedError('expiresAt must be after obtainedAt', [{ field: 'expiresAt', message: 'must be after obtainedAt' }]);
    }
    await this.assertContact(contactId, 'share');
    const purpose = await this.purposes.byKey(dto.purpose);
    if (purpose.retired) throw new ConflictError('PURPOSE_RETIRED', `Purpose ${dto.purpose} is retired`);
    const recipientIds = dto.recipientIds?.map((r) => r.toLowerCase()) ?? [];
    if (recipientIds.length) {
      const found = await this.recipients.existingIds(this.tx.manager, recipientIds);
      const missing = recipientIds.find((id) => !found.includes(id));
      if (missing) throw new NotFoundError('Recipient', missing);
    }
    if (dto.interactionId) await this.assertInteraction(dto.interactionId);

    const token = pending ? randomBytes(32).toString('base64url') : null;
    const saved = await this.consents.create({
        contactId,
        purposeId: purpose.id,
        recipientIds: recipientIds.length ? recipientIds : null,
        status: pending ? 'pending' : 'granted',
        method: dto.method,
        noticeVersion: dto.noticeVersion,
        noticeHash: dto.noticeText !== undefined ? sha256(dto.noticeText) : null,
        evidence: dto.evidence ?? null,
        interactionId: dto.interactionId ?? null,
        recordedBy: actorIdOf(principal),
        obtainedAt,
        expiresAt,
        confirmedAt: pending ? null : dto.method === 'email_double_opt_in' ? obtainedAt : null,
        withdrawnAt: null,
        withdrawalReason: null,
        withdrawnBy: null,
        confirmationTokenHash: token ? sha256(token) : null,
        confirmationExpiresAt: token ? new Date(now.getTime() + CONFIRMATION_TTL_MS) : null,
    });
    const body = toConsentResponse({ ...saved, purposeKey: purpose.key }, now);
    await this.audit.record({ action: 'create', entityType: 'consent', entityId: saved.id, contactId, after: body });
    return token ? { ...body, confirmationToken: token, confirmationExpiresAt: saved.confirmationExpiresAt } : body;
  }

  private async assertInteraction(id: string): Promise<void> {
    if (!(await this.interactions.exists(this.tx.manager, id))) throw new NotFoundError('Interaction', id);
  }

  /** The person clicked the double opt-in link: pending → granted. The token works once. */
  async confirm(token: string): Promise<ConfirmedConsentResponseDto> {
    const c = await this.consents.findByTokenHashForUpdate(sha256(token));
    if (!c || c.status !== 'pending') throw new NotFoundError('Confirmation token');
    const now = new Date();
    if (c.confirmationExpiresAt && c.confirmationExpiresAt.getTime() <= now.getTime()) {
      throw new GoneError('CONFIRMATION_EXPIRED', 'This confirmation link has expired; ask for a new one');
    }
    const key = await this.purposeKeyOf(c.purposeId);
    const before = toConsentResponse({ ...c, purposeKey: key }, now);
    c.status = 'granted';
    c.confirmedAt = now;
    c.confirmationTokenHash = null;
    c.confirmationExpiresAt = null;
    await this.consents.save(c);
    const after = toConsentResponse({ ...c, purposeKey: key }, now);
    await this.audit.record({ action: 'confirm', entityType: 'consent', entityId: c.id, contactId: c.contactId, before, after });
    return { id: c.id, purpose: key, status: after.status, confirmedAt: c.confirmedAt };
  }

  /**
   * Withdrawal (Art. 7(3)). Staff and admins may withdraw any consent; an integration only a consent that
   * covers its own recipient (acting on the person's request made through that tool). Withdrawing twice
   * answers the first withdrawal.
   */
  async withdraw(id: string, reason: string | undefined, principal: Principal): Promise<ConsentResponseDto> {
    const contactId = await this.consents.contactIdOf(id);
    if (!contactId) throw new NotFoundError('Consent', id);
    // Contact first, then the consent (FOR NO KEY UPDATE: it does not block the foreign-key checks of a
    // concurrent disclosure's items), so withdrawals and disclosures of a contact serialise without deadlock.
    await this.contacts.lockForWithdrawal(this.tx.manager, contactId);
    await this.consents.lockForWithdrawal(id);
    const c = await this.consents.findById(id);
    if (!c) throw new NotFoundError('Consent', id);
    if (principal.role === 'integration' && (!principal.recipientId || !covers(c, principal.recipientId))) {
      throw new ForbiddenError('An integration may only withdraw consents that cover its own recipient');
    }
    const key = await this.purposeKeyOf(c.purposeId);
    if (c.status === 'withdrawn') return toConsentResponse({ ...c, purposeKey: key });
    const now = new Date();
    const before = toConsentResponse({ ...c, purposeKey: key }, now);
    c.status = 'withdrawn';
    c.withdrawnAt = now;
    c.withdrawalReason = reason ?? null;
    c.withdrawnBy = actorIdOf(principal);
    c.confirmationTokenHash = null;
    c.confirmationExpiresAt = null;
    await this.consents.save(c);
    const after = toConsentResponse({ ...c, purposeKey: key }, now);
    await this.notifier.notifyContactEvent({ type: 'consent.withdrawn', contactId: c.contactId, purpose: key, occurredAt: now });
    await this.audit.record({ action: 'withdraw', entityType: 'consent', entityId: c.id, contactId: c.contactId, before, after });
    return after;
  }

  async findOne(id: string): Promise<ConsentResponseDto> {
    const c = await this.consents.findById(id);
    if (!c) throw new NotFoundError('Consent', id);
    return toConsentResponse({ ...c, purposeKey: await this.purposeKeyOf(c.purposeId) });
  }

  /** A consent with what its receipt needs about the purpose. */
  /** The record as a consent receipt (ISO/IEC TS 27560, W3C DPV); the controller is the organisation (CONTROLLER_NAME). */
  async receipt(id: string): Promise<Record<string, unknown>> {
    const { consent, purpose } = await this.loadForReceipt(id);
    return buildConsentReceipt(consent, purpose, this.app.controllerName);
  }

  async loadForReceipt(id: string): Promise<{ consent: Consent; purpose: ReceiptPurpose }> {
    const c = await this.consents.findById(id);
    if (!c) throw new NotFoundError('Consent', id);
    return { consent: c, purpose: await this.purposeRows.forReceipt(c.purposeId) };
  }

  /** The whole history of a contact's consents, withdrawn and expired included, newest first. */
  async listForContact(contactId: string, q: PageQueryDto): Promise<Page<ConsentResponseDto>> {
    await this.assertContact(contactId, 'none');
    const limit = pageSize(q);
    const rows = await this.consents.pageKeysForContact(contactId, limit, q.cursor);
    const keys = await this.purposeRows.keysOf(this.tx.manager, [...new Set(rows.map((r) => r.purpose_id))]);
    const entities = await this.consents.byIds(rows.map((r) => r.id));
    const byId = new Map(entities.map((e) => [e.id, e]));
    const now = new Date();
    return toPage(rows, limit, (r) => toConsentResponse({ ...byId.get(r.id)!, purposeKey: keys.get(r.purpose_id)! }, now), (r) => [r.k, r.id]);
  }

  // --- Objections (Art. 21) ---

  async object(contactId: string, dto: CreateObjectionDto, principal: Principal): Promise<ObjectionResponseDto> {
    await this.assertContact(contactId, 'gate');
    const purpose = await this.purposes.byKey(dto.purpose);
    const saved = await this.consents.createObjection({ contactId, purposeId: purpose.id, reason: dto.reason ?? null, recordedBy: actorIdOf(principal) });
    const body = toObjectionResponse(saved, purpose.key);
    await this.notifier.notifyContactEvent({ type: 'contact.objected', contactId, purpose: purpose.key, occurredAt: saved.createdAt });
    await this.audit.record({ action: 'object', entityType: 'objection', entityId: saved.id, contactId, after: body });
    return body;
  }

  async listObjections(contactId: string, q: PageQueryDto): Promise<Page<ObjectionResponseDto>> {
    await this.assertContact(contactId, 'none');
    const limit = pageSize(q);
    const rows = await this.consents.pageObjections(contactId, limit, q.cursor);
    const keys = await this.purposeRows.keysOf(this.tx.manager, [...new Set(rows.map((r) => r.purpose_id))]);
    return toPage(
      rows,
      limit,
      (r) => ({ id: r.id, contactId: r.contact_id, purpose: keys.get(r.purpose_id)!, purposeId: r.purpose_id, reason: r.reason, recordedBy: r.recorded_by, createdAt: r.created_at }),
      (r) => [r.k, r.id],
    );
  }
}

const toObjectionResponse = (o: Objection, key: string): ObjectionResponseDto => ({
  id: o.id,
  contactId: o.contactId,
  purpose: key,
  purposeId: o.purposeId,
  reason: o.reason,
  recordedBy: o.recordedBy,
  createdAt: o.createdAt,
});

export const methodNotAllowed = () =>
  new DomainError('METHOD_NOT_ALLOWED', 'Consent records are never edited or deleted: record a new consent or withdraw this one', 405, undefined, undefined, {
    Allow: 'GET',
  });
