/*
 * The seam between the pool and a durable queue. The pool stays the
 * articles' pattern (a channel of jobs, worker loops ranging over it, a
 * WaitGroup, a Context); a Store only decides where the jobs wait before the
 * channel, and what becomes of them after the handler:
 *
 *   submit ──► store.add ─ ─ ─(durable)─ ─ ─► store.claim ──► jobs channel ──► workers
 *                                                  ▲                              │
 *                                     lease expired (crash)      complete / fail / release
 *
 * The pool imports no engine: a store package (SQLite, Redis) implements this
 * interface and depends on @gochan/pool, never the other way round.
 *
 * What every store promises (the conformance suite, test-store-conformance.ts,
 * checks each of these against every implementation):
 *  - add resolves only once the job is durable (committed), with 'added'; or
 *    with 'duplicate', adding nothing, while a job of that id is waiting or
 *    running. A completed or dead id may be added again: it is a new job.
 *  - claim hands each waiting job to one claimer at a time, with a fresh
 *    token and a lease of leaseMs counted from the claim. A job whose lease
 *    expired is claimable again (its holder is presumed dead): that counts a
 *    crash, not an attempt; past maxCrashes it becomes dead instead.
 *  - renew, complete, fail and release act only when the token presented is
 *    still the job's current one: a holder whose lease was taken over can
 *    change nothing. complete removes the job for good (it never runs
 *    again); fail schedules it again at retryAt, or, with no retryAt, keeps
 *    it as dead with its error; release gives it back at once, using up
 *    neither an attempt nor a crash.
 */

/** SubmitResult says what a submit did: queued the job, or found one of that id already waiting or running (in Go, the `sql.Result` of an `INSERT ... ON CONFLICT DO NOTHING`). */
export type SubmitResult = 'added' | 'duplicate';

/** NewStoredJob is a job as the pool hands it to {@link Store.add}: its payload already encoded. */
export interface NewStoredJob {
  /** The job's id: unique among the store's waiting and running jobs. */
  readonly id: string;
  /** The payload, encoded by the pool's codec. */
  readonly payload: string;
  /** The job's deadline, in milliseconds since the epoch, or undefined for none. */
  readonly deadline: number | undefined;
}

/** ClaimedJob is a job that {@link Store.claim} leased to this claimer: what a Go worker would get from `SELECT ... FOR UPDATE SKIP LOCKED`, with a token. */
export interface ClaimedJob extends NewStoredJob {
  /** This claim's token: renew, complete, fail and release must present it. */
  readonly token: string;
  /** Which attempt this is, from 1: one more than the failures recorded so far (crashes do not count). */
  readonly attempt: number;
}

/** StoreCounts are a store's jobs by state, for the pool's stats. */
export interface StoreCounts {
  /** Jobs waiting to be claimed, those scheduled for a retry included. */
  waiting: number;
  /** Jobs claimed and not yet completed, failed or released. */
  running: number;
  /** Jobs completed since the store was created. */
  completed: number;
  /** Attempts that failed since the store was created (a retried job counts once per failure). */
  failed: number;
  /** Jobs kept as dead: out of attempts, or out of crashes. */
  dead: number;
}

/**
 * Store is where a pool's jobs wait when they must outlive the process: the
 * interface a durable queue implements for {@link WorkerPool}'s `store`
 * option. A Go program would declare the same interface over
 * `database/sql` or a Redis client, with the pool's feeder goroutine as its
 * only caller of claim. The pool calls it; user code normally only creates one, hands it
 * to a pool, and closes it after the pool's shutdown.
 *
 * Every method that changes a job is asynchronous and may batch with others
 * (many submits, one commit), but resolves only once its change is durable.
 */
export interface Store {
  /** Store.leaseMs is how long a claim holds a job without renewal; the pool renews every third of it. */
  readonly leaseMs: number;

  /**
   * add stores a new job, waiting, ready at once.
   * @returns 'added' once the job is durable; 'duplicate' if a job of that id is waiting or running (nothing changed).
   */
  add(job: NewStoredJob): Promise<SubmitResult>;

  /**
   * claim leases up to `max` ready jobs, oldest first, each with a fresh
   * token. It waits until at least one is ready; aborting `signal` ends the
   * wait, rejecting with its reason and claiming nothing.
   */
  claim(max: number, signal: AbortSignal): Promise<ClaimedJob[]>;

  /**
   * renew extends the leases of `jobs` by leaseMs from now.
   * @returns for each job, whether this claim still held it (false: its lease was lost).
   */
  renew(jobs: readonly ClaimedJob[]): Promise<boolean[]>;

  /**
   * complete removes the job for good: it never runs again.
   * @returns false if this claim no longer held it (nothing changed).
   */
  complete(job: ClaimedJob): Promise<boolean>;

  /**
   * fail records a failed attempt with its error: the job waits again until
   * `retryAt` (milliseconds since the epoch), or, if `retryAt` is undefined,
   * is kept as dead.
   * @returns false if this claim no longer held it (nothing changed).
   */
  fail(job: ClaimedJob, error: string, retryAt: number | undefined): Promise<boolean>;

  /** release gives the jobs back, ready at once, without counting an attempt or a crash (a graceful shutdown's jobs). */
  release(jobs: readonly ClaimedJob[]): Promise<void>;

  /**
   * waiting is the number of waiting jobs as this process last saw it: the
   * pool's backpressure. Exact for what this process did; what other
   * processes did shows by the next {@link Store.changed}.
   */
  waiting(): number;

  /** changed resolves at the next change this process sees in {@link Store.waiting}, or when `signal` aborts (rejecting). */
  changed(signal?: AbortSignal): Promise<void>;

  /** counts is a snapshot of the jobs by state. */
  counts(): StoreCounts;

  /**
   * stats, where a store has it, is a snapshot of the engine's own counters
   * (reconnects, redeliveries, the time of the last poll): the pool shows it
   * in its stats as `store.engine`.
   */
  stats?(): object;
}
