import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { currentContext, requestContext } from '../common/context/request-context.js';

/**
 * Every write of a request shares one transaction: the business change, its audit event, queued
 * notifications and the idempotency record. Mutating requests open it in the request interceptor;
 * `run` joins it, or opens one when called outside a request (jobs, GET handlers that write).
 */
@Injectable()
export class TransactionService {
  constructor(readonly dataSource: DataSource) {}

  /** The current transaction's manager, or the pool's for plain reads. */
  get manager(): EntityManager {
    return currentContext().manager ?? this.dataSource.manager;
  }

  get inTransaction(): boolean {
    return !!currentContext().manager;
  }

  run<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    const ctx = currentContext();
    if (ctx.manager) return fn(ctx.manager);
    return this.dataSource.transaction((manager) => requestContext.run({ ...ctx, manager }, () => fn(manager)));
  }
}
