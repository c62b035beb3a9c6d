import { describe, type Channel } from '@gochan/channel';
import { DeadlineExceeded, background, withCancelCause, withDeadline, type Context } from '@gochan/context';
import type { Codec } from './codec.js';
import { isCrash } from './crash.js';
import { LeaseLostError, PoolClosedError } from './errors.js';
import type { Job } from './job.js';
import type { StoreStats } from './stats.js';
import { StoreClosedNotice } from './store-closed.js';
import { checkClaimedJob } from './store-checks.js';
import type { ClaimedJob, Store, SubmitResult } from './store.js';

/*
 * StoreFeed is the pool's side of a Store: the feeder loop that claims jobs
 * and sends them into the pool's jobs channel (Go: a goroutine doing
 * `for { for _, j := range store.Claim(n) { jobs <- j } }`), the submit that
 * waits for room in the store, the lease renewals, and the outcomes written
 * back. The workers see only the channel, as in the articles.
 *
 * Invariants:
 *  - #held has every job this pool claimed and has not yet settled, released
 *    or lost: in the channel's buffer, in the feeder's hands, or running. Its
 *    size never exceeds workers + prefetch: the feeder claims only for room.
 *  - A job leaves #held exactly once: settled (complete or fail, or a crash
 *    of its thread, which writes nothing), released (shutdown), or lost (a
 *    renewal found its lease taken). Only the first of these writes to the
 *    store.
 *  - The feeder is the channel's only sender, so it alone closes it, once
 *    its loop has ended (Go: the sender closes).
 *  - Within this process, store.waiting() + #adding never passes queueSize
 *    because of a submit: room is checked and #adding raised in one step,
 *    by the submit itself or, for one that waited, by #admit on its behalf.
 *  - Submits waiting for room are served first come, first served: a new
 *    submit does not pass them, and one watcher (not one per submit) waits
 *    for the store to change while any is waiting.
 *  - Every claimed job passes checkClaimedJob and the codec in #adopt, the
 *    one place where what the store holds becomes a Job; one that fails
 *    (whoever wrote it) is sent to the dead with the reason, and nothing it
 *    holds can throw past the feeder.
 *  - A write (complete, fail, release) that meets a store error is sent
 *    again, backing off, until the store answers or the lease is surely
 *    over (#leaseUntil: when the last claim or renewal that the store
 *    granted was sent, plus leaseMs); a refused one (lease lost) is logged
 *    and counted.
 */

/** A submit waiting for room in the store, in the FIFO list of them. */
interface RoomWaiter {
  /** Called with room already reserved (#adding counts it). */
  readonly admit: () => void;
  readonly refuse: (error: unknown) => void;
  next: RoomWaiter | undefined;
  /** Set when it left the list (admitted, withdrawn or refused). */
  gone: boolean;
}

/** What the pool keeps for a job it holds: its claim, and how to end the job's context. */
interface Held {
  readonly claim: ClaimedJob;
  readonly cancel: (cause?: unknown) => void;
  /** When the lease surely ends (local clock): the last granted claim or renewal's sending time plus leaseMs. */
  leaseUntil: number;
}

/** FeedOptions are the pool's settings that the feed uses. */
export interface FeedOptions<P> {
  store: Store;
  jobs: Channel<Job<P>>;
  codec: Codec<P>;
  /** Jobs the pool may hold at once: workers + prefetch. */
  hold: number;
  /** The fewest the feeder claims at once when it could claim fewer: half the prefetch, at least 1. */
  batch: number;
  queueSize: number;
  maxAttempts: number;
  backoff: (attempt: number) => number;
}

/** FeedStats are the feed's counters, shown in the pool's stats. */
export interface FeedStats {
  /** Jobs this pool claimed and holds: prefetched or running. */
  held: number;
  /** Jobs whose lease this pool lost to another claimer (its handler's context is cancelled with LeaseLostError). */
  leasesLost: number;
  /** Renewals that failed (the store could not be reached); the leases may then expire. */
  renewFailures: number;
  /** Claims and writes that the store failed; the feeder retries. */
  storeErrors: number;
  /** Claimed jobs that could not be decoded or were not valid jobs (a bad deadline, payload, id, attempt…): sent to the dead with the reason, never run. */
  invalidJobs: number;
  /** Writes (complete, fail, release) sent again after a store error. */
  writesRetried: number;
  /** Completions and failures the store refused at the first try: the lease was lost (counted in leasesLost too), and the job may run again elsewhere. */
  writesRefused: number;
  /**
   * Completions and failures sent again after a store error and then
   * refused: an earlier try may have landed before the connection dropped,
   * or the lease was lost meanwhile; the store cannot say which.
   */
  writesUnconfirmed: number;
  /** Writes given up on: the store stayed unreachable until the lease had surely ended; the job runs again after it (at least once). */
  writesAbandoned: number;
  /**
   * Jobs whose handler's thread died under them (a module handler: an
   * uncaught error, process.exit, out of memory, a thread ended): as for a
   * process that died, nothing is written, the claim runs out, and the store
   * offers the job again, counting a crash (its maxCrashes caps them).
   */
  crashes: number;
}

export class StoreFeed<P> {
  readonly #store: Store;
  readonly #jobs: Channel<Job<P>>;
  readonly #codec: Codec<P>;
  readonly #hold: number;
  /** The feeder claims again once this many places are free (or the pool holds nothing). */
  readonly #batch: number;
  readonly #queueSize: number;
  readonly #maxAttempts: number;
  readonly #backoff: (attempt: number) => number;
  /** Aborted by stop(): ends the feeder's claim and the submits waiting for room. */
  readonly #stopped = new AbortController();
  /** The jobs held, see the invariants. */
  readonly #held = new Map<Job<P>, Held>();
  /** Adds sent to the store and not yet resolved, and room reserved for admitted submits. */
  #adding = 0;
  /** Submits waiting for room, oldest first (withdrawn ones are skipped when they surface). */
  #roomHead: RoomWaiter | undefined = undefined;
  #roomTail: RoomWaiter | undefined = undefined;
  /** Set while the watcher waits on store.changed() for the waiting submits. */
  #watching = false;
  /** Writes (complete, fail, release) not yet resolved: drain() waits for them. */
  readonly #writes = new Set<Promise<unknown>>();
  /** The renewal timer, every third of the lease; cleared by close(). */
  readonly #renewTimer: ReturnType<typeof setInterval>;
  /** Wakes the feeder waiting for a job to leave #held (it holds as many as it may). */
  #freed: (() => void) | undefined = undefined;
  /** Set while a renewal is in flight, so that a slow store never sees two at once. */
  #renewing = false;
  readonly #stats: FeedStats = { held: 0, leasesLost: 0, renewFailures: 0, storeErrors: 0, invalidJobs: 0, writesRetried: 0, writesRefused: 0, writesUnconfirmed: 0, writesAbandoned: 0, crashes: 0 };
  readonly #leaseMs: number;
  /** Tells, once, that the store was closed under the pool. */
  readonly #closedNotice: StoreClosedNotice = new StoreClosedNotice();
  /** Resolves once the feeder loop has ended and closed the channel. */
  readonly fed: Promise<void>;

  constructor(options: FeedOptions<P>) {
    this.#store = options.store;
    this.#jobs = options.jobs;
    this.#codec = options.codec;
    this.#hold = options.hold;
    this.#batch = Math.min(options.batch, options.hold);
    this.#queueSize = options.queueSize;
    this.#maxAttempts = options.maxAttempts;
    this.#backoff = options.backoff;
    this.#leaseMs = this.#store.leaseMs;
    this.#renewTimer = setInterval(() => this.#renew(), Math.max(1, this.#store.leaseMs / 3));
    // A renewal alone must not keep a Node process alive.
    (this.#renewTimer as { unref?: () => void }).unref?.();
    this.fed = this.#feed();
  }

  /**
   * submit encodes the job, waits while the store holds queueSize waiting
   * jobs, and adds it: resolved once durable. `signal` withdraws it only
   * while it waits for room; once sent to the store, the add goes through.
   */
  async submit(job: Job<P>, signal: AbortSignal | undefined): Promise<SubmitResult> {
    let payload: string;
    try {
      payload = this.#codec.encode(job.payload);
      if (typeof payload !== 'string') throw new TypeError(`the codec returned ${describe(payload)}, not a string`);
    } catch (error) {
      throw new TypeError(`Cannot submit job ${describe(job.id)}: its payload cannot be encoded (${String((error as Error)?.message ?? error)})`, {
        cause: error,
      });
    }
    const deadline = job.ctx?.deadline()?.getTime();
    if (this.#full() || this.#roomHead !== undefined) await this.#room(job, signal);
    else this.#adding++;
    try {
      return await this.#store.add({ id: job.id, payload, deadline });
    } finally {
      this.#adding--;
      // Room the store will not announce: a duplicate (or failed) add frees what it reserved without a change there.
      if (this.#roomHead !== undefined) this.#admit();
    }
  }

  /**
   * settle writes a finished job's outcome: complete, or fail with a retry
   * after the backoff, or dead once out of attempts (or past its deadline,
   * which a retry cannot meet). A job no longer held (released, lost) is left
   * to whoever holds it now; a job whose thread died under it (a crash) is
   * left to its lease.
   *
   * @returns for a failure written back: when the job is due again (epoch
   *   ms), or 'dead'; else undefined.
   */
  settle(job: Job<P>, ok: boolean, outcome: unknown): number | 'dead' | undefined {
    const held = this.#take(job);
    if (held === undefined) return undefined;
    const { claim, leaseUntil } = held;
    if (!ok && isCrash(outcome)) {
      // Its thread died (crash.ts): left to the lease, as a job whose process died.
      this.#stats.crashes++;
      return undefined;
    }
    if (ok) {
      this.#write('completion', claim.id, () => this.#store.complete(claim), leaseUntil);
      return undefined;
    }
    const final = claim.attempt >= this.#maxAttempts || outcome === DeadlineExceeded;
    // A backoff that returns no usable wait (negative, NaN) retries at once rather than never.
    const wait = final ? 0 : Number(this.#backoff(claim.attempt));
    const retryAt = final ? undefined : Date.now() + (wait > 0 && wait < Infinity ? wait : 0);
    const error = errorText(outcome);
    this.#write('failure', claim.id, () => this.#store.fail(claim, error, retryAt), leaseUntil);
    return retryAt ?? 'dead';
  }

  /** release gives held jobs back to the store, ready at once for the next process (a shutdown's unfinished jobs). Returns the feed. */
  release(jobs: readonly Job<P>[]): this {
    const claims: ClaimedJob[] = [];
    let leaseUntil = 0;
    for (const job of jobs) {
      const held = this.#take(job);
      if (held === undefined) continue;
      claims.push(held.claim);
      leaseUntil = Math.max(leaseUntil, held.leaseUntil);
    }
    this.#release(claims, leaseUntil);
    return this;
  }

  #release(claims: ClaimedJob[], leaseUntil: number): void {
    if (claims.length > 0) this.#write('release', claims.length === 1 ? claims[0]!.id : `${claims.length} jobs`, () => this.#store.release(claims), leaseUntil);
  }

  /** holds says whether the pool still holds `job`'s claim. */
  holds(job: Job<P>): boolean {
    return this.#held.has(job);
  }

  /** stop ends the feeder (what it claimed and could not send goes back) and the submits waiting for room. */
  stop(): void {
    this.#stopped.abort(new PoolClosedError('The pool is shutting down'));
  }

  /** drain waits for every write sent to the store, then stops renewing. */
  async close(): Promise<void> {
    await this.fed;
    while (this.#writes.size > 0) await Promise.allSettled([...this.#writes]);
    clearInterval(this.#renewTimer);
  }

  /** stats: the store's counts and the feed's own. */
  stats(): StoreStats {
    const stats: StoreStats = { ...this.#store.counts(), ...this.#stats, held: this.#held.size };
    if (this.#store.stats !== undefined) stats.engine = this.#store.stats();
    return stats;
  }

  /** The feeder loop: claim what there is room for, send it into the channel, again, until stopped. */
  async #feed(): Promise<void> {
    const signal = this.#stopped.signal;
    let pause = 0;
    try {
      while (!signal.aborted) {
        let claimed: ClaimedJob[];
        let sentAt: number;
        try {
          // Claim only for free workers or free places in the channel (a job claimed here while another
          // process has idle workers would wait for nothing), and, with a prefetch, in batches of half of
          // it (a low-water mark): one claim and one wave of submits let in per batch, not per job.
          if (this.#hold - this.#held.size < this.#batch) await this.#untilFreed(signal);
          sentAt = Date.now();
          claimed = await this.#store.claim(this.#hold - this.#held.size, signal);
          if (!Array.isArray(claimed)) throw new TypeError(`the store's claim resolved with ${describe(claimed)}, not an array of jobs`);
          pause = 0;
        } catch (error) {
          if (signal.aborted) break;
          this.#stats.storeErrors++;
          if (this.#closedNotice.tell(error)) break; // closed under the pool: it never reopens
          // The store failed (unreachable, busy): say so, wait, and try again; never end while the pool runs.
          pause = Math.min(Math.max(2 * pause, 50), 5_000);
          console.error(`pool: claiming from the store failed (retrying in ${pause} ms):`, error);
          await new Promise((resolve) => setTimeout(resolve, pause));
          continue;
        }
        const leaseUntil = sentAt + this.#leaseMs;
        for (let i = 0; i < claimed.length; i++) {
          const job = this.#adopt(claimed[i]!, leaseUntil);
          if (job === undefined) continue;
          if (this.#jobs.trySend(job)) continue;
          try {
            await this.#jobs.send(job, signal);
          } catch {
            // Stopped while the channel was full: this job and the rest go back.
            this.release([job]);
            this.#release(claimed.slice(i + 1), leaseUntil);
            return;
          }
        }
      }
    } finally {
      this.#jobs.close();
    }
  }

  /** Waits until a batch of places is free (workers finished jobs, or jobs were released or lost), or the pool holds nothing. */
  #untilFreed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const abort = (): void => {
        this.#freed = undefined;
        reject(signal.reason);
      };
      this.#freed = () => {
        signal.removeEventListener('abort', abort);
        resolve();
      };
      signal.addEventListener('abort', abort, { once: true });
    });
  }

  /**
   * Checks and decodes a claimed job, and holds it: the one place where what
   * the store holds becomes a Job. One that is not a valid job, or whose
   * payload cannot be decoded, is made dead with the reason, and counted.
   */
  #adopt(claim: ClaimedJob, leaseUntil: number): Job<P> | undefined {
    let payload: P;
    try {
      const invalid = checkClaimedJob(claim);
      if (invalid !== undefined) throw new InvalidJob(`the stored job is not valid: ${invalid}`);
      try {
        payload = this.#codec.decode(claim.payload);
      } catch (error) {
        throw new InvalidJob(`its payload cannot be decoded: ${errorText(error)}`);
      }
    } catch (error) {
      this.#stats.invalidJobs++;
      const reason = error instanceof InvalidJob ? error.message : `it could not be read: ${errorText(error)}`;
      const id = typeof claim?.id === 'string' ? claim.id : describe(claim?.id);
      console.error(`pool: job ${JSON.stringify(id)} from the store goes to the dead, never run: ${reason}`);
      this.#write('failure', id, () => this.#store.fail(claim, reason, undefined), leaseUntil, false);
      return undefined;
    }
    const [base, cancel] = withCancelCause(background());
    let ctx: Context = base;
    let stopDeadline: (() => void) | undefined;
    if (claim.deadline !== undefined) [ctx, stopDeadline] = withDeadline(base, claim.deadline);
    const job: Job<P> = { id: claim.id, payload, ctx, attempt: claim.attempt };
    this.#held.set(job, {
      claim,
      cancel: (cause) => {
        cancel(cause);
        stopDeadline?.();
      },
      leaseUntil,
    });
    return job;
  }

  /** Removes a job from #held and ends its context; undefined if it was not held. */
  #take(job: Job<P>, cause?: unknown): Held | undefined {
    const held = this.#held.get(job);
    if (held === undefined) return undefined;
    this.#held.delete(job);
    if (this.#freed !== undefined && (this.#hold - this.#held.size >= this.#batch || this.#held.size === 0)) {
      const freed = this.#freed;
      this.#freed = undefined;
      freed();
    }
    held.cancel(cause);
    return held;
  }

  #full(): boolean {
    return this.#store.waiting() + this.#adding >= this.#queueSize;
  }

  /** Waits, in line, until the store has room for one more waiting job; resolves with that room reserved. */
  #room(job: Job<P>, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const withdraw = (): void => {
        if (waiter.gone) return;
        waiter.gone = true;
        reject(signal?.reason);
      };
      const waiter: RoomWaiter = {
        admit: () => {
          signal?.removeEventListener('abort', withdraw);
          resolve();
        },
        refuse: (error) => {
          signal?.removeEventListener('abort', withdraw);
          reject(new PoolClosedError(`Cannot submit job ${describe(job.id)}: the pool began shutting down while the submit waited`, { cause: error }));
        },
        next: undefined,
        gone: false,
      };
      signal?.addEventListener('abort', withdraw, { once: true });
      if (this.#roomTail === undefined) this.#roomHead = waiter;
      else this.#roomTail.next = waiter;
      this.#roomTail = waiter;
      this.#admit(); // room may be free already, with only withdrawn submits ahead
      void this.#watchRoom();
    });
  }

  /** The one watcher: admits waiting submits while there is room, else waits for the store to change; refuses them all once stopped. */
  async #watchRoom(): Promise<void> {
    if (this.#watching) return;
    this.#watching = true;
    try {
      for (this.#admit(); this.#roomHead !== undefined; this.#admit()) {
        await this.#store.changed(this.#stopped.signal);
      }
    } catch (error) {
      for (let waiter = this.#shiftRoom(); waiter !== undefined; waiter = this.#shiftRoom()) waiter.refuse(error);
    } finally {
      this.#watching = false;
    }
  }

  /** Admits waiting submits, oldest first, while the store has room, reserving it for each. */
  #admit(): void {
    while (this.#roomHead !== undefined && !this.#full()) {
      const waiter = this.#shiftRoom();
      if (waiter === undefined) return;
      this.#adding++;
      waiter.admit();
    }
  }

  /** Takes the oldest waiter still waiting off the list. */
  #shiftRoom(): RoomWaiter | undefined {
    for (let waiter = this.#roomHead; waiter !== undefined; waiter = this.#roomHead) {
      this.#roomHead = waiter.next;
      if (this.#roomHead === undefined) this.#roomTail = undefined;
      if (waiter.gone) continue;
      waiter.gone = true;
      return waiter;
    }
    return undefined;
  }

  /** Renews every held lease in one call; a lease found lost cancels its job's context. */
  #renew(): void {
    if (this.#held.size === 0 || this.#renewing) return;
    const jobs = [...this.#held.keys()];
    const claims = jobs.map((job) => this.#held.get(job)!.claim);
    this.#renewing = true;
    const sentAt = Date.now();
    this.#store.renew(claims).then(
      (kept) => {
        this.#renewing = false;
        for (let i = 0; i < jobs.length; i++) {
          const held = this.#held.get(jobs[i]!);
          if (held === undefined || held.claim !== claims[i]) continue;
          if (kept[i]) {
            held.leaseUntil = Math.max(held.leaseUntil, sentAt + this.#leaseMs);
            continue;
          }
          this.#stats.leasesLost++;
          this.#take(jobs[i]!, new LeaseLostError(`Job ${describe(jobs[i]!.id)} lost its lease: another claimer may run it`));
        }
      },
      (error: unknown) => {
        this.#renewing = false;
        this.#stats.renewFailures++;
        if (!this.#closedNotice.tell(error)) console.error('pool: renewing the leases failed:', error);
      },
    );
  }

  /**
   * Sends a write and tracks it until it lands: one that meets a store error
   * is sent again (50 ms, doubling to a tenth of the lease, 1 s at most) until the store answers or the
   * lease is surely over, then given up (the job runs again after its lease:
   * at least once). A `false` answer is a refusal: the lease was lost (for
   * a `leased` write; an invalid job's claim may be broken itself).
   */
  #write(what: string, id: string, send: () => Promise<unknown>, leaseUntil: number, leased = true): void {
    const tracked = this.#writeUntil(what, id, send, leaseUntil, leased).finally(() => void this.#writes.delete(tracked));
    this.#writes.add(tracked);
  }

  async #writeUntil(what: string, id: string, send: () => Promise<unknown>, leaseUntil: number, leased: boolean): Promise<void> {
    let pause = 0;
    for (let tries = 1; ; tries++) {
      try {
        if ((await send()) === false) {
          if (!leased) {
            // An invalid job's claim may be as broken as the rest of it (its token): the store could not mark it dead.
            console.error(`pool: the store would not mark invalid job ${JSON.stringify(id)} dead; its lease will run out, and its crashes send it to the dead`);
          } else if (tries === 1) {
            this.#stats.writesRefused++;
            this.#stats.leasesLost++;
            console.error(`pool: the store refused the ${what} of job ${JSON.stringify(id)}: its lease was lost; another claimer may run it`);
          } else {
            this.#stats.writesUnconfirmed++;
            console.error(
              `pool: the store refused the ${what} of job ${JSON.stringify(id)} when sent again after an error: an earlier try may have landed before the connection dropped, or the lease was lost meanwhile`,
            );
          }
        }
        return;
      } catch (error) {
        this.#stats.storeErrors++;
        // A store closed under the pool never reopens: said once, not retried.
        if (this.#closedNotice.tell(error)) return;
        const left = leaseUntil - Date.now();
        if (left <= 0) {
          this.#stats.writesAbandoned++;
          console.error(`pool: the ${what} of job ${JSON.stringify(id)} could not be written before its lease ended (it will run again):`, error);
          return;
        }
        this.#stats.writesRetried++;
        // At most a tenth of the lease apart (1 s at most): a store back before the lease ends gets the write in time.
        pause = Math.min(Math.max(2 * pause, 50), Math.max(50, Math.min(1_000, this.#leaseMs / 10)));
        if (tries === 1) console.error(`pool: writing the ${what} of job ${JSON.stringify(id)} failed (retrying until its lease ends, in ${Math.ceil(left)} ms):`, error);
        await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
      }
    }
  }
}

/** Why a claimed job cannot run: its message is the dead job's error. */
class InvalidJob extends Error {}

/** errorText renders a handler's error for the store: its stack if it has one, else its text. */
function errorText(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
