// The conformance suite every Store runs: memory here, SQLite and Redis in
// their own packages (which import this file by path; it is not published).
// Each test opens a fresh, empty store through the factory it is given.
import { describe, expect, it } from 'vitest';
import type { ClaimedJob, NewStoredJob, Store } from './store.js';

/** What a store's test gives the suite: a way to open a fresh, empty store, and to close it. */
export interface StoreFactory {
  open(options: { leaseMs: number; maxCrashes: number }): Promise<Store>;
  close(store: Store): Promise<void>;
}

const job = (id: string, payload = `"${id}"`, deadline?: number): NewStoredJob => ({ id, payload, deadline });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** A claim that must find something at once (or very soon). */
const claimSoon = (store: Store, max = 10) => store.claim(max, AbortSignal.timeout(2_000));
/** What a claim finds within `ms`: [] if nothing. */
async function claimWithin(store: Store, ms: number, max = 10): Promise<ClaimedJob[]> {
  try {
    return await store.claim(max, AbortSignal.timeout(ms));
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') return [];
    throw error;
  }
}

export function storeConformance(name: string, factory: StoreFactory): void {
  describe(`Store conformance: ${name}`, () => {
    const withStore = (options: { leaseMs?: number; maxCrashes?: number }, body: (store: Store) => Promise<void>) => async () => {
      const store = await factory.open({ leaseMs: options.leaseMs ?? 10_000, maxCrashes: options.maxCrashes ?? 5 });
      try {
        await body(store);
      } finally {
        await factory.close(store);
      }
    };

    it(
      'claims jobs oldest first, each once, with its payload, deadline, a token and attempt 1',
      withStore({}, async (store) => {
        for (let i = 1; i <= 5; i++) expect(await store.add(job(`j${i}`, `{"n":${i}}`, i === 2 ? 1_900_000_000_000 : undefined))).toBe('added');
        const first = await claimSoon(store, 3);
        const second = await claimSoon(store, 3);
        expect(first.map((j) => j.id)).toEqual(['j1', 'j2', 'j3']);
        expect(second.map((j) => j.id)).toEqual(['j4', 'j5']);
        expect(first[1]).toMatchObject({ id: 'j2', payload: '{"n":2}', deadline: 1_900_000_000_000, attempt: 1 });
        expect(first[0]!.deadline).toBeUndefined();
        const tokens = new Set([...first, ...second].map((j) => j.token));
        expect(tokens.size).toBe(5);
        expect(await claimWithin(store, 100)).toEqual([]);
      }),
    );

    it(
      'refuses a duplicate id while waiting or running, and takes it again once completed',
      withStore({}, async (store) => {
        expect(await store.add(job('a', '"first"'))).toBe('added');
        expect(await store.add(job('a', '"second"'))).toBe('duplicate');
        expect(store.counts().waiting).toBe(1);
        const [claimed] = await claimSoon(store);
        expect(claimed!.payload).toBe('"first"');
        expect(await store.add(job('a', '"third"'))).toBe('duplicate');
        expect(await store.complete(claimed!)).toBe(true);
        expect(await store.add(job('a', '"fourth"'))).toBe('added');
        expect((await claimSoon(store))[0]!.payload).toBe('"fourth"');
      }),
    );

    it(
      'adds that arrive together each resolve, every one stored once',
      withStore({}, async (store) => {
        const ids = Array.from({ length: 200 }, (_, i) => `batch-${i % 150}`);
        const results = await Promise.all(ids.map((id) => store.add(job(id))));
        expect(results.filter((r) => r === 'added')).toHaveLength(150);
        expect(results.filter((r) => r === 'duplicate')).toHaveLength(50);
        expect(store.counts().waiting).toBe(150);
        const seen: string[] = [];
        while (seen.length < 150) seen.push(...(await claimSoon(store, 64)).map((j) => j.id));
        expect(new Set(seen).size).toBe(150);
      }),
    );

    it(
      'a claim waits for an add; an aborted claim takes nothing',
      withStore({}, async (store) => {
        const waiting = store.claim(5, AbortSignal.timeout(5_000));
        await sleep(20);
        await store.add(job('late'));
        expect((await waiting).map((j) => j.id)).toEqual(['late']);

        const controller = new AbortController();
        const aborted = store.claim(5, controller.signal);
        controller.abort(new Error('stop'));
        await expect(aborted).rejects.toThrow('stop');
        await store.add(job('after-abort'));
        expect((await claimSoon(store)).map((j) => j.id)).toEqual(['after-abort']);
        await expect(store.claim(1, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
      }),
    );

    it(
      'a parked claim woken by several jobs at once delivers every job it leased',
      withStore({}, async (store) => {
        for (const id of ['m1', 'm2', 'm3', 'm4']) await store.add(job(id));
        const held = await claimSoon(store, 4);
        const parked = store.claim(10, AbortSignal.timeout(3_000));
        await sleep(20);
        await store.release(held);
        const delivered = [...(await parked), ...(await claimWithin(store, 200, 10))];
        // Whatever the parked claim leased, it handed over: nothing is left running unseen.
        expect(delivered.map((j) => j.id).sort()).toEqual(['m1', 'm2', 'm3', 'm4']);
        expect(store.counts()).toMatchObject({ waiting: 0, running: 4 });
      }),
    );

    it(
      'a parked claim that finds several expired leases delivers every job it leased',
      withStore({ leaseMs: 300 }, async (store) => {
        for (const id of ['e1', 'e2', 'e3']) await store.add(job(id));
        await claimSoon(store, 3); // then the holder dies: nobody renews
        const parked = await claimWithin(store, 2_000, 10);
        // Every job leased now was handed to a claimer: none is running unseen.
        expect(store.counts().running).toBe(parked.length);
        const rest = await claimWithin(store, 50, 10);
        expect([...parked, ...rest].map((j) => j.id).sort()).toEqual(['e1', 'e2', 'e3']);
        // The settled claim left nothing behind that could lease a later job into the void.
        await store.add(job('late'));
        await sleep(450);
        expect((await claimWithin(store, 100, 10)).map((j) => j.id)).toContain('late');
      }),
    );

    it(
      'concurrent claims never share a job',
      withStore({}, async (store) => {
        const claims = Array.from({ length: 4 }, () => store.claim(10, AbortSignal.timeout(3_000)));
        for (let i = 0; i < 20; i++) await store.add(job(`c${i}`));
        const got = (await Promise.all(claims)).flat();
        const rest = await claimWithin(store, 200, 100);
        const ids = [...got, ...rest].map((j) => j.id);
        expect(ids.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `c${i}`).sort());
      }),
    );

    it(
      'a completed job never runs again, and completing it twice changes nothing',
      withStore({}, async (store) => {
        await store.add(job('once'));
        const [claimed] = await claimSoon(store);
        expect(await store.complete(claimed!)).toBe(true);
        expect(await store.complete(claimed!)).toBe(false);
        expect(await store.fail(claimed!, 'late', undefined)).toBe(false);
        expect(await claimWithin(store, 150)).toEqual([]);
        expect(store.counts()).toMatchObject({ waiting: 0, running: 0, completed: 1, dead: 0 });
      }),
    );

    it(
      'a failed job waits until its retry time, then runs as the next attempt',
      withStore({}, async (store) => {
        await store.add(job('flaky'));
        const [first] = await claimSoon(store);
        expect(await store.fail(first!, 'boom', Date.now() + 300)).toBe(true);
        expect(store.counts()).toMatchObject({ waiting: 1, running: 0, failed: 1 });
        expect(await claimWithin(store, 100)).toEqual([]);
        const [second] = await claimSoon(store);
        expect(second).toMatchObject({ id: 'flaky', attempt: 2 });
        expect(second!.token).not.toBe(first!.token);
      }),
    );

    it(
      'a job failed with no retry is kept as dead, and its id may be added again',
      withStore({}, async (store) => {
        await store.add(job('doomed'));
        const [claimed] = await claimSoon(store);
        expect(await store.fail(claimed!, 'fatal', undefined)).toBe(true);
        expect(store.counts()).toMatchObject({ waiting: 0, running: 0, failed: 1, dead: 1 });
        expect(await claimWithin(store, 100)).toEqual([]);
        expect(await store.add(job('doomed'))).toBe('added');
      }),
    );

    it(
      'an expired lease hands the job to the next claimer, and the first token can change nothing',
      withStore({ leaseMs: 200 }, async (store) => {
        await store.add(job('orphan'));
        const [first] = await claimSoon(store);
        await sleep(260);
        const [second] = await claimSoon(store);
        expect(second).toMatchObject({ id: 'orphan', attempt: 1 });
        expect(second!.token).not.toBe(first!.token);
        expect(await store.renew([first!])).toEqual([false]);
        expect(await store.complete(first!)).toBe(false);
        expect(await store.fail(first!, 'stale', undefined)).toBe(false);
        await store.release([first!]);
        expect(store.counts()).toMatchObject({ running: 1, dead: 0 });
        expect(await store.complete(second!)).toBe(true);
      }),
    );

    it(
      'renewing keeps a long job from being taken over',
      withStore({ leaseMs: 200 }, async (store) => {
        await store.add(job('long'));
        const [held] = await claimSoon(store);
        for (let i = 0; i < 5; i++) {
          await sleep(70);
          expect(await store.renew([held!])).toEqual([true]);
        }
        expect(await claimWithin(store, 100)).toEqual([]);
        expect(await store.complete(held!)).toBe(true);
      }),
    );

    it(
      'a job whose lease keeps expiring is kept as dead after maxCrashes',
      withStore({ leaseMs: 100, maxCrashes: 1 }, async (store) => {
        await store.add(job('crasher'));
        await claimSoon(store);
        await sleep(140);
        expect((await claimSoon(store)).map((j) => j.attempt)).toEqual([1]);
        await sleep(140);
        expect(await claimWithin(store, 150)).toEqual([]);
        expect(store.counts()).toMatchObject({ waiting: 0, running: 0, dead: 1, failed: 0 });
      }),
    );

    it(
      'released jobs are ready at once, with neither an attempt nor a crash used',
      withStore({ maxCrashes: 0 }, async (store) => {
        await store.add(job('r1'));
        await store.add(job('r2'));
        const claimed = await claimSoon(store);
        await store.release(claimed);
        expect(store.counts()).toMatchObject({ waiting: 2, running: 0 });
        const again = await claimSoon(store);
        expect(again.map((j) => [j.id, j.attempt])).toEqual([
          ['r1', 1],
          ['r2', 1],
        ]);
      }),
    );

    it(
      'refuses a bad job at add, and it fails alone: the good adds of its batch are stored',
      withStore({}, async (store) => {
        const bad: unknown[] = [
          { id: 42, payload: '"x"', deadline: undefined },
          { id: 'p', payload: 42, deadline: undefined },
          { id: 'soon', payload: '"x"', deadline: 'soon' },
          { id: 'nan', payload: '"x"', deadline: Number.NaN },
          { id: 'inf', payload: '"x"', deadline: Infinity },
          { id: 'huge', payload: '"x"', deadline: 1e300 },
          null,
        ];
        const results = await Promise.allSettled([store.add(job('good1')), ...bad.map((b) => store.add(b as NewStoredJob)), store.add(job('good2', '"2"', 1_900_000_000_000))]);
        expect(results[0]).toEqual({ status: 'fulfilled', value: 'added' });
        expect(results.at(-1)).toEqual({ status: 'fulfilled', value: 'added' });
        for (const result of results.slice(1, -1)) {
          expect(result.status).toBe('rejected');
          expect((result as PromiseRejectedResult).reason).toBeInstanceOf(TypeError);
        }
        expect(store.counts().waiting).toBe(2);
        const claimed = await claimSoon(store);
        expect(claimed.map((j) => [j.id, j.deadline])).toEqual([
          ['good1', undefined],
          ['good2', 1_900_000_000_000],
        ]);
      }),
    );

    it(
      'refuses a claim whose max is not a positive integer, and claims nothing',
      withStore({}, async (store) => {
        await store.add(job('only'));
        for (const max of [0, -1, 1.5, Number.NaN, Infinity, '2']) {
          await expect(store.claim(max as number, AbortSignal.timeout(1_000)), `max ${String(max)}`).rejects.toThrow(RangeError);
        }
        expect(store.counts()).toMatchObject({ waiting: 1, running: 0 });
        expect((await claimSoon(store)).map((j) => [j.id, j.attempt])).toEqual([['only', 1]]);
      }),
    );

    it(
      'refuses a retryAt that is not a time, changing nothing; a token not its own changes nothing',
      withStore({}, async (store) => {
        await store.add(job('held'));
        const [held] = await claimSoon(store);
        for (const retryAt of [Number.NaN, Infinity, 'soon']) await expect(store.fail(held!, 'x', retryAt as number)).rejects.toThrow(TypeError);
        for (const token of ['', 'bogus', '0-1/1', `${held!.token}x`]) {
          const forged = { ...held!, token };
          expect(await store.renew([forged])).toEqual([false]);
          expect(await store.complete(forged)).toBe(false);
          expect(await store.fail(forged, 'x', undefined)).toBe(false);
          await store.release([forged]);
        }
        expect(store.counts()).toMatchObject({ waiting: 0, running: 1, failed: 0, dead: 0 });
        expect(await store.complete(held!)).toBe(true);
      }),
    );

    it(
      'waiting() counts what waits, and changed() wakes on a change',
      withStore({}, async (store) => {
        expect(store.waiting()).toBe(0);
        const changed = store.changed(AbortSignal.timeout(2_000));
        await store.add(job('w1'));
        await changed;
        await store.add(job('w2'));
        expect(store.waiting()).toBe(2);
        const next = store.changed(AbortSignal.timeout(2_000));
        await claimSoon(store, 1);
        await next;
        expect(store.waiting()).toBe(1);
        await expect(store.changed(AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
      }),
    );
  });
}
