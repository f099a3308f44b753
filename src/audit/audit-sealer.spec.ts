import { jest } from '@jest/globals';
import type { DataSource, EntityManager } from 'typeorm';
import type { AfterCommit } from '../database/after-commit.js';
import type { AuditEventsRepository } from './audit-events.repository.js';
import { AuditSealer } from './audit-sealer.js';

/** A stand-in for the table: events "commit" into `pending`; a round takes what is pending at its start. */
function setup() {
  const pending: string[] = [];
  const rounds: number[] = [];
  let release: (() => void) | undefined;
  let calls = 0;
  const events = {
    anyUnsealed: async () => pending.length > 0,
    lockSealer: async () => true,
    unsealed: async () => {
      const rows = pending.splice(0).map((id) => ({
        id, occurred_at: new Date(0), actor_type: 'system', actor_id: null, action: 'create', entity_type: 'x',
        entity_id: null, contact_id: null, subject_contact_ids: null, request_id: null, before: null, after: null,
      }));
      // The first round is held until the test releases it, as a slow round under load would be.
      if (calls++ === 0) await new Promise<void>((r) => (release = r));
      return rows;
    },
    sealedHead: async () => null,
    seal: async (_m: EntityManager, links: unknown[]) => void rounds.push(links.length),
  } as unknown as AuditEventsRepository;
  const dataSource = { transaction: (work: (m: EntityManager) => Promise<unknown>) => work({} as EntityManager) } as unknown as DataSource;
  const afterCommit = { run: (_m: EntityManager, fn: () => void) => fn() } as unknown as AfterCommit;
  const sealer = new AuditSealer(dataSource, events, afterCommit);
  const commit = (id: string) => {
    pending.push(id);
    sealer.sealAfterCommit({} as EntityManager);
  };
  return { sealer, commit, rounds, pending, held: () => release !== undefined, release: () => release?.() };
}

describe('AuditSealer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('gathers the commits that come while a round runs, and just after it, into one later round', async () => {
    const { sealer, commit, rounds, pending, held, release } = setup();
    sealer.onApplicationBootstrap(); // a first round starts at once and is held (a slow round under load)
    await jest.advanceTimersByTimeAsync(0);
    expect(held()).toBe(true);
    commit('a');
    commit('b');
    release();
    await jest.advanceTimersByTimeAsync(1); // the held round ends; the next one waits to gather
    commit('c');
    expect(rounds).toEqual([]);
    await jest.advanceTimersByTimeAsync(50);
    expect(pending).toEqual([]);
    expect(rounds).toEqual([3]); // a, b and c in one transaction, not [2, 1]
    await sealer.beforeApplicationShutdown();
  });

  it('seals a commit at once when no round runs', async () => {
    const { sealer, commit, rounds, pending, release } = setup();
    sealer.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    release();
    await jest.advanceTimersByTimeAsync(0);
    commit('a');
    await jest.advanceTimersByTimeAsync(0);
    expect(pending).toEqual([]);
    expect(rounds).toEqual([1]);
    await sealer.beforeApplicationShutdown();
  });
});
