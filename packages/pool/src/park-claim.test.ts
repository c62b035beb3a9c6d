import { describe, expect, test } from 'vitest';
import { parkClaim } from './park-claim.js';
import type { ClaimedJob } from './store.js';

const job = (id: string): ClaimedJob => ({ id, payload: '', deadline: undefined, token: id, attempt: 1 });

/** A store's wake list, as the stores keep it: every waker called, from a copy. */
function wakers() {
  const set = new Set<() => void>();
  return { set, park: (wake: () => void) => void set.add(wake), unpark: (wake: () => void) => void set.delete(wake), wakeAll: () => [...set].forEach((wake) => wake()) };
}

describe('parkClaim', () => {
  test('a claimNow that wakes every parked claim (itself included) is not re-entered, and nothing it leased is dropped', async () => {
    const list = wakers();
    let ready = 0;
    let depth = 0;
    let maxDepth = 0;
    const leased: string[] = [];
    const claim = parkClaim({
      signal: AbortSignal.timeout(2_000),
      claimNow: () => {
        depth++;
        maxDepth = Math.max(maxDepth, depth);
        try {
          // Like a store expiring a lease: a change that wakes every parked claim, before it leases.
          list.wakeAll();
          const jobs = Array.from({ length: ready }, (_, i) => job(`j${leased.length + i}`));
          leased.push(...jobs.map((j) => j.id));
          ready = 0;
          return jobs;
        } finally {
          depth--;
        }
      },
      nextDue: () => undefined,
      park: list.park,
      unpark: list.unpark,
    });
    ready = 3;
    list.wakeAll();
    expect((await claim).map((j) => j.id)).toEqual(leased);
    expect(maxDepth).toBe(1);
    // Settled: it is no longer parked, and a later wake leases nothing.
    expect(list.set.size).toBe(0);
  });

  test('looks again when the next due time comes, without a wake', async () => {
    let calls = 0;
    const due = Date.now() + 30;
    const jobs = await parkClaim({
      signal: AbortSignal.timeout(2_000),
      claimNow: () => (++calls >= 2 && Date.now() >= due ? [job('due')] : []),
      nextDue: () => due,
      park: () => {},
      unpark: () => {},
    });
    expect(jobs.map((j) => j.id)).toEqual(['due']);
  });

  test('an abort rejects with its reason and unparks; a claimNow that throws rejects with its error', async () => {
    const list = wakers();
    const controller = new AbortController();
    const parked = parkClaim({ signal: controller.signal, claimNow: () => [], nextDue: () => undefined, park: list.park, unpark: list.unpark });
    controller.abort(new Error('stop'));
    await expect(parked).rejects.toThrow('stop');
    expect(list.set.size).toBe(0);
    await expect(
      parkClaim({ signal: AbortSignal.timeout(1_000), claimNow: () => { throw new Error('SQLITE_BUSY'); }, nextDue: () => undefined, park: () => {}, unpark: () => {} }),
    ).rejects.toThrow('SQLITE_BUSY');
    await expect(
      parkClaim({ signal: AbortSignal.timeout(1_000), claimNow: () => [], closed: () => new Error('closed'), nextDue: () => undefined, park: () => {}, unpark: () => {} }),
    ).rejects.toThrow('closed');
  });
});
