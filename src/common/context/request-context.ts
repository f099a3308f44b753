import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from 'typeorm';
import type { Principal } from './principal.js';

export interface RequestContext {
  requestId?: string;
  principal?: Principal;
  /** The transaction the current request (or job) runs in, when there is one. */
  manager?: EntityManager;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export const currentContext = (): RequestContext => requestContext.getStore() ?? {};
