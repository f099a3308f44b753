import { Injectable } from '@nestjs/common';
import { decodeCursor, Page, pageSize, toPage } from '../common/http/pagination.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { AuditEventsRepository, AuditRow } from '../audit/audit-events.repository.js';
import { AuditSealer } from '../audit/audit-sealer.js';
import { AuditEventResponseDto, ListAuditEventsQueryDto } from './dto/audit-event.dto.js';

@Injectable()
export class AuditQueryService {
  constructor(
    private readonly events: AuditEventsRepository,
    private readonly crypto: CryptoService,
    private readonly sealer: AuditSealer,
  ) {}

  async list(q: ListAuditEventsQueryDto): Promise<Page<AuditEventResponseDto>> {
    const limit = pageSize(q);
    const after = decodeCursor<[string]>(q.cursor, 1);
    // The list shows the chain: events committed until now are sealed first (a no-op when the sealer is ahead).
    await this.sealer.sealPending();
    const rows = await this.events.list(
      {
        action: q.action,
        entityType: q.entityType,
        entityId: q.entityId,
        actorId: q.actorId,
        contactId: q.contactId,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        beforeSeq: after?.[0],
      },
      limit + 1,
    );
    const items = await Promise.all(rows.slice(0, limit).map((r) => this.toResponse(r)));
    const page = toPage(rows, limit, (r) => r, (r) => [String(r.seq)]);
    return { items, nextCursor: page.nextCursor };
  }

  private async open(row: AuditRow, value: unknown): Promise<{ value: unknown; erased: boolean }> {
    if (value && typeof value === 'object' && 'sealed' in value && row.contact_id) {
      const opened = await this.crypto.openForContact(row.contact_id, (value as { sealed: string }).sealed);
      return opened === undefined ? { value: null, erased: true } : { value: opened, erased: false };
    }
    if (value && typeof value === 'object' && 'erased' in value && row.contact_id) return { value: null, erased: true };
    return { value: value ?? null, erased: false };
  }

  private async toResponse(row: AuditRow): Promise<AuditEventResponseDto> {
    const before = await this.open(row, row.before);
    const after = await this.open(row, row.after);
    return {
      id: row.id,
      seq: Number(row.seq),
      occurredAt: row.occurred_at,
      actorType: row.actor_type,
      actorId: row.actor_id,
      action: row.action,
      entityType: row.entity_type,
      entityId: row.entity_id,
      contactId: row.contact_id,
      requestId: row.request_id,
      before: before.value,
      after: after.value,
      erased: before.erased || after.erased,
      prevHash: row.prev_hash,
      hash: row.hash,
    };
  }
}
