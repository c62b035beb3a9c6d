// The feeder's side of the store seam: what it does with whatever a store
// hands out (any field of any job may be wrong: another writer, an older
// version), and with writes that meet an outage or a lost lease.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { MemoryStore, WorkerPool, checkClaimedJob, type ClaimedJob, type Job } from './index.js';
import { sleep, trackUnhandledRejections } from './test-helpers.js';

/** A MemoryStore whose claims pass through `mangle` (a store that decoded a bad entry), and whose writes can be made to fail. */
class ForgingStore extends MemoryStore {
  mangle: (job: ClaimedJob, index: number) => unknown = (job) => job;
  /** Each write is tried through this first: throw to fail it, as an unreachable store would. */
  beforeWrite: (kind: 'complete' | 'fail' | 'release') => void = () => {};
  readonly fails: { id: unknown; error: string; retryAt: number | undefined }[] = [];
  readonly writes = { complete: 0, fail: 0, release: 0 };
  #claimed = 0;

  override async claim(max: number, signal: AbortSignal): Promise<ClaimedJob[]> {
    const jobs = await super.claim(max, signal);
    return jobs.map((job) => this.mangle(job, this.#claimed++) as ClaimedJob);
  }
  override complete(job: ClaimedJob): Promise<boolean> {
    this.writes.complete++;
    try {
      this.beforeWrite('complete');
    } catch (error) {
      return Promise.reject(error);
    }
    return super.complete(job);
  }
  override fail(job: ClaimedJob, error: string, retryAt: number | undefined): Promise<boolean> {
    this.writes.fail++;
    try {
      this.beforeWrite('fail');
    } catch (failure) {
      return Promise.reject(failure);
    }
    this.fails.push({ id: (job as { id?: unknown } | null)?.id, error, retryAt });
    // A forged job's token may be anything: the memory store looks it up by id and token.
    return typeof job?.id === 'string' && typeof job.token === 'string' ? super.fail(job, error, retryAt) : Promise.resolve(false);
  }
  override release(jobs: readonly ClaimedJob[]): Promise<void> {
    this.writes.release++;
    try {
      this.beforeWrite('release');
    } catch (error) {
      return Promise.reject(error);
    }
    return super.release(jobs);
  }
}

let unhandled: ReturnType<typeof trackUnhandledRejections>;
beforeEach(() => {
  unhandled = trackUnhandledRejections();
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  unhandled.stop();
  vi.restoreAllMocks();
});

/** Waits until `done()` holds, up to 5 s. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await sleep(10);
  expect(done()).toBe(true);
}

/** A field value a bad writer could leave: anything at all, and the near misses. */
const anyValue = fc.oneof(
  fc.anything(),
  fc.constantFrom('soon', '', 'NaN', Number.NaN, Infinity, -Infinity, 1e300, -1, 0, 1.5, null, undefined, '1', 2 ** 53),
);

describe('what a store hands out is checked before the pool sees it', () => {
  test('a claimed job with any field wrong goes to the dead with its reason, counted; every good one runs; nothing throws past the feeder', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.option(
            fc.record({ field: fc.constantFrom('id', 'payload', 'deadline', 'token', 'attempt', 'whole'), value: anyValue }),
            { nil: undefined, freq: 2 },
          ),
          { minLength: 1, maxLength: 12 },
        ),
        async (forgeries) => {
          const store = new ForgingStore();
          store.mangle = (job, i) => {
            const forgery = forgeries[i];
            if (forgery === undefined) return job;
            if (forgery.field === 'whole') return forgery.value;
            return { ...job, [forgery.field]: forgery.value };
          };
          const ran: string[] = [];
          const pool = new WorkerPool<unknown>({ workers: 2, store, maxAttempts: 1, handler: async (job: Job<unknown>) => void ran.push(job.id), onError: () => {} });
          for (let i = 0; i < forgeries.length; i++) await pool.submit({ id: `j${i}`, payload: i });
          // What the feeder saw: each forged job as the store handed it. Invalid if it fails the check or does not
          // decode; expired if valid with a deadline already past (not started: dead as past it); else it runs.
          const fate = (i: number): 'invalid' | 'expired' | 'runs' => {
            const forgery = forgeries[i];
            if (forgery === undefined) return 'runs';
            const job = forgery.field === 'whole' ? forgery.value : { id: `j${i}`, payload: String(i), deadline: undefined, token: 'x', attempt: 1, [forgery.field]: forgery.value };
            if (checkClaimedJob(job) !== undefined) return 'invalid';
            const { payload, deadline } = job as ClaimedJob;
            try {
              if (payload !== '') JSON.parse(payload);
            } catch {
              return 'invalid';
            }
            return deadline !== undefined && deadline <= Date.now() + 1_000 ? 'expired' : 'runs';
          };
          const fates = forgeries.map((_, i) => fate(i));
          const count = (f: string) => fates.filter((x) => x === f).length;
          await until(() => ran.length + store.fails.length >= forgeries.length);
          await pool.shutdown();
          expect(pool.stats().store!.invalidJobs).toBe(count('invalid'));
          // Every job that could run ran once; none that could not.
          expect(ran.length).toBe(count('runs'));
          // Every invalid one was sent to the dead (no retry) with why.
          const invalid = store.fails.filter((f) => /^(the stored job is not valid: |its payload cannot be decoded: )/.test(f.error));
          expect(invalid.length).toBe(count('invalid'));
          for (const f of invalid) expect(f.retryAt).toBeUndefined();
          expect(store.fails.length).toBe(count('invalid') + count('expired'));
          expect(unhandled.reasons).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('a deadline that is not a number makes the job dead before any context is made; the next job runs', async () => {
    const store = new ForgingStore();
    store.mangle = (job) => (job.id === 'soon' ? { ...job, deadline: 'soon' } : job);
    const ran: string[] = [];
    const pool = new WorkerPool<number>({ workers: 1, store, handler: async (job) => void ran.push(job.id) });
    await pool.submit({ id: 'soon', payload: 1 });
    await pool.submit({ id: 'next', payload: 2 });
    await until(() => ran.length === 1);
    await pool.shutdown();
    expect(ran).toEqual(['next']);
    expect(store.deadJobs()).toEqual([
      {
        id: 'soon',
        payload: '1',
        error: 'the stored job is not valid: its deadline is not undefined or a finite number of milliseconds since the epoch, got "soon"',
        failures: 1,
        crashes: 0,
      },
    ]);
    expect(pool.stats().store).toMatchObject({ invalidJobs: 1, completed: 1, dead: 1 });
  });
});

describe('writes that meet an outage or a lost lease', () => {
  test('a completion that meets store errors is sent again until it lands: the job never runs twice', async () => {
    const store = new ForgingStore({ leaseMs: 5_000 });
    let failures = 3;
    store.beforeWrite = (kind) => {
      if (kind === 'complete' && failures-- > 0) throw new Error('the store is unreachable');
    };
    let runs = 0;
    const pool = new WorkerPool<number>({ workers: 1, store, handler: async () => void runs++ });
    await pool.submit({ id: 'once', payload: 0 });
    await until(() => store.counts().completed === 1);
    await pool.shutdown();
    expect(runs).toBe(1);
    expect(store.writes.complete).toBe(4);
    expect(pool.stats().store).toMatchObject({ storeErrors: 3, writesRetried: 3, writesRefused: 0, writesUnconfirmed: 0, writesAbandoned: 0, completed: 1, running: 0 });
  });

  test('a completion the store refuses (the lease was lost) is logged and counted as a lost lease', async () => {
    const store = new ForgingStore({ leaseMs: 5_000 });
    // The store refuses: as if another claimer had taken the job over.
    store.complete = () => Promise.resolve(false);
    const pool = new WorkerPool<number>({ workers: 1, store, handler: async () => {} });
    await pool.submit({ id: 'taken', payload: 0 });
    await until(() => pool.stats().store!.writesRefused === 1);
    await pool.shutdown();
    expect(pool.stats().store).toMatchObject({ writesRefused: 1, leasesLost: 1 });
    expect(vi.mocked(console.error).mock.calls.some(([line]) => /refused the completion of job "taken": its lease was lost/.test(String(line)))).toBe(true);
  });

  test('a completion that cannot land before the lease ends is given up, counted; the job is left to run again', async () => {
    const store = new ForgingStore({ leaseMs: 300 });
    store.beforeWrite = (kind) => {
      if (kind === 'complete') throw new Error('the store is unreachable');
    };
    const pool = new WorkerPool<number>({ workers: 1, store, handler: async () => {} });
    await pool.submit({ id: 'stranded', payload: 0 });
    await until(() => pool.stats().store!.writesAbandoned >= 1);
    await pool.shutdown();
    expect(pool.stats().store!.writesRetried).toBeGreaterThan(0);
    expect(store.counts().completed).toBe(0);
  });
});
