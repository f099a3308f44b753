import { Module } from '@nestjs/common';
import { IdempotencyStore } from '../common/context/idempotency-store.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import { IdempotencyService } from './idempotency.service.js';

/** Idempotency-Key handling; the request pipeline (common/context) reaches it as IdempotencyStore. */
@Module({
  providers: [IdempotencyService, IdempotencyRepository, { provide: IdempotencyStore, useExisting: IdempotencyService }],
  exports: [IdempotencyService, IdempotencyStore],
})
export class IdempotencyModule {}
