import { describe } from '@gochan/channel';
import { Heap } from './heap.js';
import { parkClaim } from './park-claim.js';
import { checkClaimMax, checkNewStoredJob, checkRetryAt } from './store-checks.js';
import type { ClaimedJob, NewStoredJob, Store, StoreCounts, SubmitResult } from './store.js';

/*
 * MemoryStore keeps a durable store's bookkeeping (leases, tokens, retries,
 * dead jobs, duplicate ids) in this process's memory: the Store seam's
 * reference implementation, run by the same conformance suite as the durable
 * stores, and a way to get retries without a database. It survives nothing:
 * a crash loses every job.
 *
 * Invariants:
 *  - A record is in #live (by id) exactly while it is waiting or running;
 *    a dead record is in #dead only (kept until the store is dropped: dead
 *    jobs are for a person to look at).
 *  - A waiting record is either in the ready list (runAt has come) or in
 *    #delayed; never both. A running record is in neither; its lease is in
 *    #leases (entries whose token is stale are skipped when they surface).
 *  - Every change that can make a claim succeed wakes every parked claim;
 *    each then claims again (there are few: one feeder per pool).
 */

/** One job's state. */
interface MemoryRecord {
  readonly id: string;
  readonly payload: string;
  readonly deadline: number | undefined;
  state: 'waiting' | 'running' | 'dead';
  /** The current claim's token; '' while waiting. */
  token: string;
  /** Failures recorded so far. */
  failures: number;
  /** Leases that expired so far. */
  crashes: number;
  /** When it may be claimed, ms since the epoch. */
  runAt: number;
  /** When its lease ends, while running. */
  leaseUntil: number;
  /** Order of arrival among waiting jobs. */
  seq: number;
  /** The last error, once failed. */
  error: string | undefined;
  /** The next record in the ready list. */
  next: MemoryRecord | undefined;
}

/** A lease as it was granted: stale once the record's token has moved on. */
interface Lease {
  readonly record: MemoryRecord;
  readonly token: string;
  readonly until: number;
}

/** MemoryStoreOptions configure a {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * How long a claim holds a job without renewal, in milliseconds.
   * @default 30000
   */
  leaseMs?: number | undefined;
  /**
   * How many times a job's lease may expire (its holder presumed crashed)
   * before the job is kept as dead instead of claimed again.
   * @default 5
   */
  maxCrashes?: number | undefined;
}

/** DeadJob is a job a store keeps as dead, with its last error. */
export interface DeadJob {
  /** The job's id. */
  readonly id: string;
  /** Its encoded payload. */
  readonly payload: string;
  /** The last error recorded: the handler's, or why the leases ran out. */
  readonly error: string;
  /** The failures recorded. */
  readonly failures: number;
  /** The leases that expired. */
  readonly crashes: number;
}

/** DEFAULT_LEASE_MS is a store's lease when none is given: 30 s. */
export const DEFAULT_LEASE_MS = 30_000;
/** DEFAULT_MAX_CRASHES is how many expired leases a job survives when no `maxCrashes` is given. */
export const DEFAULT_MAX_CRASHES = 5;

/**
 * MemoryStore is a {@link Store} in this process's memory: retries with
 * backoff, dead jobs, leases and duplicate ids, as the durable stores do,
 * but nothing survives the process (a Go map behind a mutex, with timers). Pass it as a pool's `store` to get those
 * semantics without a database; without any store, a pool keeps its queue
 * in its channel alone.
 *
 * @example
 * ```ts
 * const store = new MemoryStore({ leaseMs: 5_000 });
 * const pool = new WorkerPool<string>({ workers: 2, store, maxAttempts: 3, handler: async (job) => {} });
 * ```
 */
export class MemoryStore implements Store {
  /** MemoryStore.leaseMs is how long a claim holds a job without renewal. */
  readonly leaseMs: number;
  /** MemoryStore.maxCrashes is how many expired leases a job survives before it is kept as dead. */
  readonly maxCrashes: number;

  /** Waiting and running records, by id. */
  readonly #live = new Map<string, MemoryRecord>();
  /** Dead records, oldest first: an id may be dead more than once (it may be added again). */
  readonly #dead: MemoryRecord[] = [];
  /** Ready records, FIFO: head is the oldest. */
  #head: MemoryRecord | undefined = undefined;
  #tail: MemoryRecord | undefined = undefined;
  /** Waiting records whose runAt is still to come, soonest first. */
  readonly #delayed = new Heap<MemoryRecord>((a, b) => a.runAt < b.runAt || (a.runAt === b.runAt && a.seq < b.seq));
  /** Leases granted, soonest to end first. */
  readonly #leases = new Heap<Lease>((a, b) => a.until < b.until);
  /** Parked claims and changed() calls: woken, all of them, at each change. */
  readonly #wakers = new Set<() => void>();
  #waiting = 0;
  #running = 0;
  #completed = 0;
  #failed = 0;
  #seq = 0;
  #tokens = 0;

  /** @throws RangeError for a `leaseMs` that is not a positive number, or a `maxCrashes` that is not a non-negative integer. */
  constructor(options: MemoryStoreOptions = {}) {
    this.leaseMs = checkLease(options.leaseMs);
    this.maxCrashes = checkMaxCrashes(options.maxCrashes);
  }

  add(job: NewStoredJob): Promise<SubmitResult> {
    const bad = checkNewStoredJob(job);
    if (bad !== undefined) return Promise.reject(bad);
    if (this.#live.has(job.id)) return Promise.resolve('duplicate');
    const record: MemoryRecord = {
      id: job.id,
      payload: job.payload,
      deadline: job.deadline,
      state: 'waiting',
      token: '',
      failures: 0,
      crashes: 0,
      runAt: Date.now(),
      leaseUntil: 0,
      seq: this.#seq++,
      error: undefined,
      next: undefined,
    };
    this.#live.set(job.id, record);
    this.#waiting++;
    this.#pushReady(record);
    this.#wake();
    return Promise.resolve('added');
  }

  claim(max: number, signal: AbortSignal): Promise<ClaimedJob[]> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const bad = checkClaimMax(max);
    if (bad !== undefined) return Promise.reject(bad);
    const claimed = this.#claimNow(max);
    if (claimed.length > 0) return Promise.resolve(claimed);
    return parkClaim({
      signal,
      claimNow: () => this.#claimNow(max),
      nextDue: () => this.#nextDue(),
      park: (wake) => void this.#wakers.add(wake),
      unpark: (wake) => void this.#wakers.delete(wake),
    });
  }

  renew(jobs: readonly ClaimedJob[]): Promise<boolean[]> {
    const until = Date.now() + this.leaseMs;
    return Promise.resolve(
      jobs.map((job) => {
        const record = this.#held(job);
        if (record === undefined) return false;
        record.leaseUntil = until;
        this.#leases.push({ record, token: record.token, until });
        return true;
      }),
    );
  }

  complete(job: ClaimedJob): Promise<boolean> {
    const record = this.#held(job);
    if (record === undefined) return Promise.resolve(false);
    this.#live.delete(record.id);
    record.token = '';
    this.#running--;
    this.#completed++;
    return Promise.resolve(true);
  }

  fail(job: ClaimedJob, error: string, retryAt: number | undefined): Promise<boolean> {
    const bad = checkRetryAt(retryAt);
    if (bad !== undefined) return Promise.reject(bad);
    const record = this.#held(job);
    if (record === undefined) return Promise.resolve(false);
    this.#running--;
    this.#failed++;
    record.failures++;
    record.error = error;
    record.token = '';
    if (retryAt === undefined) this.#bury(record);
    else this.#requeue(record, retryAt);
    return Promise.resolve(true);
  }

  release(jobs: readonly ClaimedJob[]): Promise<void> {
    for (const job of jobs) {
      const record = this.#held(job);
      if (record === undefined) continue;
      this.#running--;
      record.token = '';
      this.#requeue(record, Date.now());
    }
    return Promise.resolve();
  }

  waiting(): number {
    return this.#waiting;
  }

  changed(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const abort = (): void => {
        this.#wakers.delete(wake);
        reject(signal?.reason);
      };
      const wake = (): void => {
        this.#wakers.delete(wake);
        signal?.removeEventListener('abort', abort);
        resolve();
      };
      this.#wakers.add(wake);
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  counts(): StoreCounts {
    return {
      waiting: this.#waiting,
      running: this.#running,
      completed: this.#completed,
      failed: this.#failed,
      dead: this.#dead.length,
    };
  }

  /** deadJobs lists the jobs kept as dead, with their last error. */
  deadJobs(): DeadJob[] {
    return this.#dead.map(({ id, payload, error, failures, crashes }) => ({
      id,
      payload,
      error: error ?? '',
      failures,
      crashes,
    }));
  }

  /** Claims what is ready now, up to max, after moving what came due into the ready list. */
  #claimNow(max: number): ClaimedJob[] {
    const now = Date.now();
    this.#expireLeases(now);
    for (let next = this.#delayed.peek(); next !== undefined && next.runAt <= now; next = this.#delayed.peek()) {
      this.#pushReady(this.#delayed.pop()!);
    }
    const claimed: ClaimedJob[] = [];
    while (claimed.length < max && this.#head !== undefined) {
      const record = this.#head;
      this.#head = record.next;
      if (this.#head === undefined) this.#tail = undefined;
      record.next = undefined;
      record.state = 'running';
      record.token = `${++this.#tokens}`;
      record.leaseUntil = now + this.leaseMs;
      this.#leases.push({ record, token: record.token, until: record.leaseUntil });
      this.#waiting--;
      this.#running++;
      claimed.push({
        id: record.id,
        payload: record.payload,
        deadline: record.deadline,
        token: record.token,
        attempt: record.failures + 1,
      });
    }
    if (claimed.length > 0) this.#wake();
    return claimed;
  }

  /** Leases that ended without renewal: their holder is presumed dead. A crash each; past maxCrashes, dead. */
  #expireLeases(now: number): void {
    for (let lease = this.#leases.peek(); lease !== undefined && lease.until <= now; lease = this.#leases.peek()) {
      this.#leases.pop();
      const { record } = lease;
      if (record.state !== 'running' || record.token !== lease.token || record.leaseUntil > now) continue;
      this.#running--;
      record.crashes++;
      record.token = '';
      if (record.crashes > this.maxCrashes) {
        record.error = `its lease expired ${record.crashes} times: the process running it died each time?`;
        this.#bury(record);
      } else {
        this.#requeue(record, now);
      }
    }
  }

  /** The record `job` names, if this claim still holds it. */
  #held(job: ClaimedJob): MemoryRecord | undefined {
    const record = this.#live.get(job.id);
    if (record === undefined || record.state !== 'running' || record.token !== job.token) return undefined;
    if (record.leaseUntil <= Date.now()) {
      // Expired, though nobody has claimed it yet: the lease is lost all the same.
      this.#expireLeases(Date.now());
      return undefined;
    }
    return record;
  }

  #requeue(record: MemoryRecord, runAt: number): void {
    record.state = 'waiting';
    record.runAt = runAt;
    this.#waiting++;
    if (runAt <= Date.now()) this.#pushReady(record);
    else this.#delayed.push(record);
    this.#wake();
  }

  #bury(record: MemoryRecord): void {
    record.state = 'dead';
    this.#live.delete(record.id);
    this.#dead.push(record);
  }

  #pushReady(record: MemoryRecord): void {
    if (this.#tail === undefined) this.#head = record;
    else this.#tail.next = record;
    this.#tail = record;
  }

  /** When the next scheduled retry or lease comes due, if any. */
  #nextDue(): number | undefined {
    const retry = this.#delayed.peek()?.runAt;
    const lease = this.#leases.peek()?.until;
    if (retry === undefined) return lease;
    if (lease === undefined) return retry;
    return Math.min(retry, lease);
  }

  #wake(): void {
    for (const wake of [...this.#wakers]) wake();
  }
}

/** checkLease checks a store's `leaseMs`: a positive number of milliseconds, DEFAULT_LEASE_MS when undefined. */
export function checkLease(leaseMs: unknown): number {
  if (leaseMs === undefined) return DEFAULT_LEASE_MS;
  if (typeof leaseMs !== 'number' || !(leaseMs > 0) || !Number.isFinite(leaseMs)) {
    throw new RangeError(`Expected \`leaseMs\` to be a positive number of milliseconds, got ${describe(leaseMs)}`);
  }
  return leaseMs;
}

/** checkMaxCrashes checks a store's `maxCrashes`: a non-negative integer, DEFAULT_MAX_CRASHES when undefined. */
export function checkMaxCrashes(maxCrashes: unknown): number {
  if (maxCrashes === undefined) return DEFAULT_MAX_CRASHES;
  if (typeof maxCrashes !== 'number' || !Number.isSafeInteger(maxCrashes) || maxCrashes < 0) {
    throw new RangeError(`Expected \`maxCrashes\` to be a non-negative integer, got ${describe(maxCrashes)}`);
  }
  return maxCrashes;
}
