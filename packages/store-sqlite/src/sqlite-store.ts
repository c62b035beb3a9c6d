import { StoreClosedError, StoreUnavailableError, checkClaimMax, checkLease, checkMaxCrashes, checkNewStoredJob, checkRetryAt, parkClaim, type ClaimedJob, type DeadJob, type NewStoredJob, type Store, type StoreCounts, type SubmitResult } from '@gochan/pool';
// The seam to SQLite (node:sqlite or better-sqlite3), shaped as better-sqlite3's API: Database.Database, Database.Statement.
import type * as Database from './driver.js';
import { checkDriver, defaultDriver, type DriverName } from './driver.js';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { openDatabase } from './schema.js';

/*
 * SqliteStore keeps a queue in a SQLite file (schema.ts has the layout):
 * the Store seam of @gochan/pool, durable across crashes, shared by every
 * store open on the same file and queue, in this process or others.
 *
 * Invariants:
 *  - Writes (add, complete, fail, renew, release) are queued in #pending and
 *    applied by #flush, all of one turn of the event loop in ONE immediate
 *    transaction; each promise settles only after that transaction's
 *    COMMIT returned (resolved: durable; rejected: nothing of the batch was
 *    written). At most one flush is scheduled at a time (#flushScheduled).
 *  - A claim runs at once, in its own immediate transaction: it first turns
 *    expired leases into crashes (waiting again, or dead past maxCrashes),
 *    then leases the oldest ready jobs.
 *  - The file's counts row for this queue changes in the same transaction
 *    as the jobs it counts; #counts is that row as this store last read it,
 *    at the end of each of its transactions and at each poll that saw
 *    another connection's commit.
 *  - #wakers holds the parked claims and changed() calls; every change this
 *    store sees (its own commits, another store's in this process, another
 *    process's found by the poll) wakes them all, and each looks again.
 *    The poll timer runs exactly while #wakers is not empty.
 */

/** SqliteStoreOptions configure a {@link SqliteStore}: the config struct a Go version would take. */
export interface SqliteStoreOptions {
  /**
   * The queue's name within the file: stores on one file with different
   * queues never see each other's jobs.
   * @default 'tasks'
   */
  queue?: string | undefined;
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
  /**
   * SQLite's `synchronous` in WAL mode. `'full'`: every commit is fsynced
   * before its promises resolve, so a resolved add survives a power cut.
   * `'normal'`: a commit is written to the OS but fsynced only at
   * checkpoints, so it survives the process's crash (kill -9 included), not
   * a power cut or an OS crash (the last commits may be lost; the file stays
   * consistent).
   * @default 'full'
   */
  synchronous?: 'full' | 'normal' | undefined;
  /**
   * How often, in milliseconds, a parked claim or changed() looks at the
   * file for jobs and changes made by other processes. Adds in this process
   * wake them at once, whatever the store that made them.
   * @default 100
   */
  pollMs?: number | undefined;
  /**
   * Which SQLite binding opens the file: `'node:sqlite'`, built into Node
   * (the default from Node 24 on: nothing to compile), or
   * `'better-sqlite3'`, a native addon (the default on Node 20 and 22, and
   * an optional dependency of this package). Both keep every promise of the
   * store; the file is the same either way. `GOCHAN_SQLITE_DRIVER` in the
   * environment sets the default.
   */
  driver?: DriverName | undefined;
}

/** DEFAULT_QUEUE is a store's queue name when none is given (no Go counterpart). */
export const DEFAULT_QUEUE = 'tasks';
/** DEFAULT_POLL_MS is how often a parked claim looks for other processes' jobs when no `pollMs` is given: Go would use a `time.Ticker`. */
export const DEFAULT_POLL_MS = 100;

/** One write waiting for the next group commit. */
interface Pending {
  readonly kind: 'add' | 'complete' | 'fail' | 'renew' | 'release';
  readonly job: NewStoredJob | ClaimedJob;
  /** fail: the error; unused otherwise. */
  readonly error: string;
  /** fail: when to retry, undefined for dead. */
  readonly retryAt: number | undefined;
  /** Settles the caller's promise with this write's result. */
  readonly resolve: (result: boolean | SubmitResult) => void;
  readonly reject: (error: unknown) => void;
}

/** The prepared statements, made once per store. */
interface Statements {
  insert: Database.Statement<[string, string, string, number | null, number]>;
  complete: Database.Statement<[string, string, string, number]>;
  retry: Database.Statement<[number, string, string, string, string, number]>;
  bury: Database.Statement<[string, string, string, string, number]>;
  renew: Database.Statement<[number, string, string, string, number]>;
  release: Database.Statement<[number, string, string, string, number]>;
  expireDead: Database.Statement<[string, number, number]>;
  expireRetry: Database.Statement<[string, number]>;
  take: Database.Statement<[string, number, string, number, number], ReadyRow>;
  nextDue: Database.Statement<[string, number], number>;
  addCounts: Database.Statement<[number, number, number, number, number, string]>;
  readCounts: Database.Statement<[string], StoreCounts>;
  dead: Database.Statement<[string], DeadJob>;
  dataVersion: Database.Statement<[], number>;
}

interface ReadyRow {
  seq: number;
  id: string;
  payload: string;
  deadline: number | null;
  failures: number;
  /** The claim's token, as the statement made it. */
  token: string;
}

/** The time a claimed row was due, from its token (prefix, seq, '@', due). */
const dueOf = (token: string): number => Number(token.slice(token.lastIndexOf('@') + 1));

/** Where a job is this claim's: live (state < 2 lets the live index serve), running, with this token, lease not ended. */
const HELD = 'queue = ? AND id = ? AND state < 2 AND state = 1 AND token = ? AND due > ?';

/** Stores open in this process, by file and queue: an add in one wakes the claims parked in the others. */
const siblings = new Map<string, Set<SqliteStore>>();

/**
 * SqliteStore is a {@link Store} in a SQLite file: the embedded durable
 * store for the `store` option of `@gochan/pool`'s `WorkerPool`. A resolved add is
 * committed (with `synchronous: 'full'`, fsynced); jobs run at least once;
 * leases, tokens, retries, dead jobs and a cap on crashes as the Store
 * contract says. Several stores, in one process or several, may share one
 * file and queue: SQLite's locks (WAL mode, a busy timeout of 5 s) keep
 * each job to one claimer. Node only. In Go you would write this by hand
 * with `database/sql` and a claim loop; here it is one value handed to the
 * pool, whose feeder claims from it into the jobs channel.
 *
 * Writes issued in the same turn of the event loop share one transaction
 * (group commit). Close the store after the pool's shutdown, so that the
 * jobs the shutdown released are written.
 *
 * @example
 * ```ts
 * await using store = new SqliteStore('jobs.db', { leaseMs: 10_000 });
 * const pool = new WorkerPool<string>({ workers: 4, store, handler: async (job) => {} });
 * ```
 * @throws SqliteStoreError when the file cannot be used (missing or read-only folder, torn, corrupt or foreign file).
 * @throws RangeError or TypeError for a bad option, naming it and the value received.
 */
export class SqliteStore implements Store, AsyncDisposable {
  /** SqliteStore.leaseMs is how long a claim holds a job without renewal. */
  readonly leaseMs: number;
  /** SqliteStore.maxCrashes is how many expired leases a job survives before it is kept as dead. */
  readonly maxCrashes: number;
  /** SqliteStore.queue is the name of this store's queue within the file. */
  readonly queue: string;
  /** SqliteStore.path is the file, as given. */
  readonly path: string;
  /** SqliteStore.driver is the SQLite binding this store opened its file with. */
  readonly driver: DriverName;

  /** The connection; closed by close(). */
  readonly #db: Database.Database;
  readonly #sql: Statements;
  readonly #pollMs: number;
  /** With synchronous 'full': statements that relax it around a claim, and restore it. */
  readonly #relax: readonly [Database.Statement, Database.Statement] | undefined;
  /** siblings' key: the file's absolute path and the queue. */
  readonly #key: string;
  /** Tokens are this prefix (random per store) and a counter: unique across processes. */
  readonly #tokenPrefix = `${randomUUID()}.`;
  #tokens = 0;
  /** Writes for the next group commit; swapped for a new array by each flush. */
  #pending: Pending[] = [];
  #flushScheduled = false;
  /** The counts row as last read; see the invariants. */
  #counts: StoreCounts = { waiting: 0, running: 0, completed: 0, failed: 0, dead: 0 };
  /** Changes to the counts row made by the transaction in progress. */
  #delta = { waiting: 0, running: 0, completed: 0, failed: 0, dead: 0 };
  /** PRAGMA data_version as last read: it moves when another connection commits. */
  #dataVersion = 0;
  /** Parked claims and changed() calls; see the invariants. */
  readonly #wakers = new Set<() => void>();
  #pollTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** Set by close(): no more operations. */
  #closed = false;
  #commits = 0;

  /**
   * Opens (creating if need be) the store file at `path`.
   * @param path - The SQLite file. Its folder must exist; the file is created if missing.
   * @param options - See {@link SqliteStoreOptions}.
   */
  constructor(path: string, options: SqliteStoreOptions = {}) {
    if (typeof path !== 'string' || path === '') throw new TypeError(`Expected \`path\` to be a file path, got ${describe(path)}`);
    this.leaseMs = checkLease(options.leaseMs);
    this.maxCrashes = checkMaxCrashes(options.maxCrashes);
    this.queue = checkQueue(options.queue);
    this.#pollMs = checkPoll(options.pollMs);
    const synchronous = checkSynchronous(options.synchronous);
    this.path = path;
    this.driver = options.driver === undefined ? defaultDriver() : checkDriver(options.driver);
    this.#db = openDatabase(path, synchronous, this.driver);
    this.#sql = prepare(this.#db);
    this.#relax = synchronous === 'full' ? [this.#db.prepare('PRAGMA synchronous = normal'), this.#db.prepare('PRAGMA synchronous = full')] : undefined;
    this.#key = `${resolve(path)}\0${this.queue}`;
    this.#db.prepare('INSERT INTO gochan_counts (queue) VALUES (?) ON CONFLICT DO NOTHING').run(this.queue);
    this.#refresh();
    let set = siblings.get(this.#key);
    if (set === undefined) siblings.set(this.#key, (set = new Set()));
    set.add(this);
  }

  /**
   * SqliteStore.commits is how many write transactions this store has
   * committed (group commits and claims): a window on the batching.
   */
  get commits(): number {
    return this.#commits;
  }

  add(job: NewStoredJob): Promise<SubmitResult> {
    const bad = checkNewStoredJob(job);
    if (bad !== undefined) return Promise.reject(bad);
    return this.#enqueue('add', job, '', undefined) as Promise<SubmitResult>;
  }

  claim(max: number, signal: AbortSignal): Promise<ClaimedJob[]> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#closed) return Promise.reject(closedError(this.path));
    const bad = checkClaimMax(max);
    if (bad !== undefined) return Promise.reject(bad);
    let claimed: ClaimedJob[];
    try {
      claimed = this.#claimNow(max);
    } catch (error) {
      return Promise.reject(error);
    }
    if (claimed.length > 0) return Promise.resolve(claimed);
    // Parked: look again at each change this store sees, and when this queue's next retry or lease comes due
    // (the poll covers other processes). A claim that throws (SQLITE_BUSY past the busy timeout, a full
    // disk) rejects: the caller decides whether to retry.
    return parkClaim({
      signal,
      claimNow: () => this.#claimNow(max),
      nextDue: () => this.#nextDue(),
      park: (wake) => this.#park(wake),
      unpark: (wake) => this.#unpark(wake),
      closed: () => (this.#closed ? closedError(this.path) : undefined),
    });
  }

  renew(jobs: readonly ClaimedJob[]): Promise<boolean[]> {
    return Promise.all(jobs.map((job) => this.#enqueue('renew', job, '', undefined) as Promise<boolean>));
  }

  complete(job: ClaimedJob): Promise<boolean> {
    return this.#enqueue('complete', job, '', undefined) as Promise<boolean>;
  }

  fail(job: ClaimedJob, error: string, retryAt: number | undefined): Promise<boolean> {
    const bad = checkRetryAt(retryAt);
    if (bad !== undefined) return Promise.reject(bad);
    return this.#enqueue('fail', job, String(error), retryAt) as Promise<boolean>;
  }

  async release(jobs: readonly ClaimedJob[]): Promise<void> {
    await Promise.all(jobs.map((job) => this.#enqueue('release', job, '', undefined)));
  }

  waiting(): number {
    return this.#counts.waiting;
  }

  changed(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#closed) return Promise.reject(closedError(this.path));
    return new Promise((resolve, reject) => {
      const abort = (): void => {
        this.#unpark(wake);
        reject(signal?.reason);
      };
      const wake = (): void => {
        this.#unpark(wake);
        signal?.removeEventListener('abort', abort);
        if (this.#closed) reject(closedError(this.path));
        else resolve();
      };
      this.#park(wake);
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  counts(): StoreCounts {
    return { ...this.#counts };
  }

  /** deadJobs lists this queue's jobs kept as dead, oldest first, with their last error (every death of an id, not only the latest). */
  deadJobs(): DeadJob[] {
    if (this.#closed) throw closedError(this.path);
    return this.#sql.dead.all(this.queue);
  }

  /**
   * close writes the pending writes (their promises settle first), ends the
   * parked claims and changed() calls (rejecting), and closes the file.
   * Calling it again does nothing.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#flush();
    this.#closed = true;
    siblings.get(this.#key)?.delete(this);
    if (siblings.get(this.#key)?.size === 0) siblings.delete(this.#key);
    this.#wake();
    this.#stopPoll();
    this.#db.close();
  }

  /** Symbol.asyncDispose is close(): `await using store = new SqliteStore(…)`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Queues a write for the next group commit. */
  #enqueue(kind: Pending['kind'], job: NewStoredJob | ClaimedJob, error: string, retryAt: number | undefined): Promise<boolean | SubmitResult> {
    if (this.#closed) return Promise.reject(closedError(this.path));
    return new Promise((resolve, reject) => {
      this.#pending.push({ kind, job, error, retryAt, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(this.#flushSoon);
      }
    });
  }

  readonly #flushSoon = (): void => {
    if (!this.#closed) this.#flush();
  };

  /** Applies every pending write in one transaction, then settles their promises: see the invariants. */
  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    const results: (boolean | SubmitResult | Error)[] = new Array(batch.length);
    let readied = false;
    try {
      this.#db
        .transaction(() => {
          const now = Date.now();
          for (let i = 0; i < batch.length; i++) {
            const write = batch[i]!;
            let outcome: boolean | SubmitResult | Error;
            try {
              outcome = this.#apply(write, now);
            } catch (error) {
              // A statement that fails undoes its own changes: this write fails alone, the batch goes on. Unless
              // SQLite ended the transaction (a full disk, an I/O error): then the whole batch fails.
              if (!this.#db.inTransaction) throw error;
              outcome = error instanceof Error ? error : new Error(String(error));
            }
            results[i] = outcome;
            if (outcome === 'added' || (outcome === true && (write.kind === 'release' || (write.kind === 'fail' && write.retryAt !== undefined)))) readied = true;
          }
          this.#saveCounts();
        })
        .immediate();
    } catch (error) {
      // Rolled back: nothing of the batch was written. A full disk or a lock held too long say so, typed.
      this.#clearDelta();
      const typed = unavailable(error, this.path) ?? error;
      for (const write of batch) write.reject(typed);
      return;
    }
    this.#commits++;
    for (let i = 0; i < batch.length; i++) {
      const result = results[i]!;
      if (result instanceof Error) batch[i]!.reject(result);
      else batch[i]!.resolve(result);
    }
    if (readied) this.#wake();
    this.#wakeSiblings();
  }

  /** One write, inside the flush's transaction. */
  #apply(write: Pending, now: number): boolean | SubmitResult {
    const { job } = write;
    const sql = this.#sql;
    const delta = this.#delta;
    switch (write.kind) {
      case 'add': {
        const added = sql.insert.run(this.queue, job.id, job.payload, job.deadline ?? null, now).changes === 1;
        if (!added) return 'duplicate';
        delta.waiting++;
        return 'added';
      }
      case 'complete': {
        if (sql.complete.run(this.queue, job.id, (job as ClaimedJob).token, now).changes === 0) return false;
        delta.running--;
        delta.completed++;
        return true;
      }
      case 'fail': {
        const token = (job as ClaimedJob).token;
        const changed =
          write.retryAt === undefined
            ? sql.bury.run(write.error, this.queue, job.id, token, now).changes
            : sql.retry.run(write.retryAt, write.error, this.queue, job.id, token, now).changes;
        if (changed === 0) return false;
        delta.running--;
        delta.failed++;
        if (write.retryAt === undefined) delta.dead++;
        else delta.waiting++;
        return true;
      }
      case 'renew':
        return sql.renew.run(now + this.leaseMs, this.queue, job.id, (job as ClaimedJob).token, now).changes === 1;
      case 'release': {
        if (sql.release.run(now, this.queue, job.id, (job as ClaimedJob).token, now).changes === 0) return false;
        delta.running--;
        delta.waiting++;
        return true;
      }
    }
  }

  /** Expires the queue's ended leases, then leases up to `max` ready jobs, in one immediate transaction. */
  #claimNow(max: number): ClaimedJob[] {
    const claimed: ClaimedJob[] = [];
    let changed = false;
    const sql = this.#sql;
    const delta = this.#delta;
    // A claim need not reach the disk before it returns: lost to a power cut, it only makes its jobs
    // waiting again (at least once). The next fsynced commit takes it along (the log is written in order).
    this.#relax?.[0].run();
    try {
      this.#db
        .transaction(() => {
          const now = Date.now();
          // Ended leases: their holders are presumed dead. A crash each; past maxCrashes, dead.
          const buried = sql.expireDead.run(this.queue, now, this.maxCrashes).changes;
          const requeued = sql.expireRetry.run(this.queue, now).changes;
          delta.running -= buried + requeued;
          delta.dead += buried;
          delta.waiting += requeued;
          const until = now + this.leaseMs;
          const rows = sql.take.all(`${this.#tokenPrefix}${(++this.#tokens).toString(36)}.`, until, this.queue, now, max);
          // Oldest first: by the time each was due, then by arrival.
          if (rows.length > 1) rows.sort((a, b) => dueOf(a.token) - dueOf(b.token) || a.seq - b.seq);
          for (const row of rows) {
            claimed.push({ id: row.id, payload: row.payload, deadline: row.deadline ?? undefined, token: row.token, attempt: row.failures + 1 });
          }
          delta.waiting -= claimed.length;
          delta.running += claimed.length;
          changed = buried + requeued + claimed.length > 0;
          if (changed) this.#saveCounts();
        })
        .immediate();
    } catch (error) {
      this.#clearDelta();
      throw unavailable(error, this.path) ?? error;
    } finally {
      this.#relax?.[1].run();
    }
    if (!changed) return claimed;
    this.#commits++;
    this.#wake();
    this.#wakeSiblings();
    return claimed;
  }

  /** When this queue's next retry or lease comes due, if any. */
  #nextDue(): number | undefined {
    const retry = this.#sql.nextDue.get(this.queue, 0);
    const lease = this.#sql.nextDue.get(this.queue, 1);
    if (retry === undefined) return lease;
    if (lease === undefined) return retry;
    return Math.min(retry, lease);
  }

  /** Writes the transaction's count changes, then reads the row back (other connections' changes included). */
  #saveCounts(): void {
    const d = this.#delta;
    this.#sql.addCounts.run(d.waiting, d.running, d.completed, d.failed, d.dead, this.queue);
    this.#clearDelta();
    this.#refresh();
  }

  #clearDelta(): void {
    const d = this.#delta;
    d.waiting = d.running = d.completed = d.failed = d.dead = 0;
  }

  /** Reads the counts row and the data version. */
  #refresh(): void {
    this.#counts = this.#sql.readCounts.get(this.queue) ?? this.#counts;
    this.#dataVersion = this.#sql.dataVersion.get() ?? 0;
  }

  #park(waker: () => void): void {
    this.#wakers.add(waker);
    if (this.#pollTimer === undefined) this.#pollTimer = setTimeout(this.#poll, this.#pollMs);
  }

  #unpark(waker: () => void): void {
    this.#wakers.delete(waker);
    if (this.#wakers.size === 0) this.#stopPoll();
  }

  #stopPoll(): void {
    if (this.#pollTimer !== undefined) clearTimeout(this.#pollTimer);
    this.#pollTimer = undefined;
  }

  /** The poll, every pollMs while something is parked. */
  readonly #poll = (): void => {
    this.#pollTimer = undefined;
    if (this.#closed) return;
    this.#look();
    if (this.#wakers.size > 0 && this.#pollTimer === undefined) this.#pollTimer = setTimeout(this.#poll, this.#pollMs);
  };

  /** Another connection committed? Then read the counts again and wake everyone to look. */
  #look(): void {
    if (this.#closed) return;
    let moved = false;
    try {
      moved = this.#sql.dataVersion.get() !== this.#dataVersion;
      if (moved) this.#refresh();
    } catch {
      // A busy or failing file: the next poll tries again; claims meet the error themselves.
    }
    if (moved) this.#wake();
  }

  /** Wakes every parked claim and changed() call of this store. */
  #wake(): void {
    if (this.#wakers.size === 0) return;
    for (const wake of [...this.#wakers]) wake();
  }

  /** This store committed: the other stores of this process on the same file and queue look at once (their counts, their parked claims). */
  #wakeSiblings(): void {
    const set = siblings.get(this.#key);
    if (set === undefined || set.size === 1) return;
    for (const store of set) if (store !== this) store.#look();
  }
}

function prepare(db: Database.Database): Statements {
  return {
    insert: db.prepare('INSERT INTO gochan_jobs (queue, id, payload, deadline, state, due) VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT DO NOTHING'),
    complete: db.prepare(`DELETE FROM gochan_jobs WHERE ${HELD}`),
    retry: db.prepare(`UPDATE gochan_jobs SET state = 0, due = ?, token = NULL, failures = failures + 1, error = ? WHERE ${HELD}`),
    bury: db.prepare(`UPDATE gochan_jobs SET state = 2, token = NULL, failures = failures + 1, error = ? WHERE ${HELD}`),
    renew: db.prepare(`UPDATE gochan_jobs SET due = ? WHERE ${HELD}`),
    release: db.prepare(`UPDATE gochan_jobs SET state = 0, due = ?, token = NULL WHERE ${HELD}`),
    expireDead: db.prepare(
      `UPDATE gochan_jobs SET state = 2, crashes = crashes + 1, token = NULL,
         error = 'its lease expired ' || (crashes + 1) || ' times: the process running it died each time?'
       WHERE queue = ? AND state = 1 AND due <= ? AND crashes >= ?`,
    ),
    // Waiting again from when its lease ended: among the ready jobs, by that time.
    expireRetry: db.prepare('UPDATE gochan_jobs SET state = 0, crashes = crashes + 1, token = NULL WHERE queue = ? AND state = 1 AND due <= ?'),
    // deadline and failures come back as REAL: a row another writer left out of a double's safe range (2^62, say)
    // then reads as a number that the feeder's checks send to the dead, where node:sqlite would throw on the
    // whole batch (ERR_OUT_OF_RANGE) and no job of the queue could be claimed again.
    // One statement leases the batch: the oldest ready rows, each token this claim's prefix, the row's seq
    // and the time it was due (SET reads the old due), which orders the batch, as RETURNING does not.
    take: db.prepare(
      `UPDATE gochan_jobs SET state = 1, token = ? || seq || '@' || due, due = ?
       WHERE seq IN (SELECT seq FROM gochan_jobs WHERE queue = ? AND state = 0 AND due <= ? ORDER BY due, seq LIMIT ?)
       RETURNING seq, id, payload, CAST(deadline AS REAL) AS deadline, CAST(failures AS REAL) AS failures, token`,
    ),
    nextDue: db.prepare<[string, number], number>('SELECT due FROM gochan_jobs WHERE queue = ? AND state = ? ORDER BY due LIMIT 1').pluck(),
    addCounts: db.prepare(
      'UPDATE gochan_counts SET waiting = waiting + ?, running = running + ?, completed = completed + ?, failed = failed + ?, dead = dead + ? WHERE queue = ?',
    ),
    readCounts: db.prepare('SELECT waiting, running, completed, failed, dead FROM gochan_counts WHERE queue = ?'),
    dead: db.prepare("SELECT id, payload, coalesce(error, '') AS error, CAST(failures AS REAL) AS failures, CAST(crashes AS REAL) AS crashes FROM gochan_jobs WHERE queue = ? AND state = 2 ORDER BY seq"),
    dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
  };
}

function checkQueue(queue: unknown): string {
  if (queue === undefined) return DEFAULT_QUEUE;
  if (typeof queue !== 'string' || queue === '') throw new TypeError(`Expected \`queue\` to be a non-empty string, got ${describe(queue)}`);
  return queue;
}

function checkPoll(pollMs: unknown): number {
  if (pollMs === undefined) return DEFAULT_POLL_MS;
  if (typeof pollMs !== 'number' || !(pollMs > 0) || !Number.isFinite(pollMs)) {
    throw new RangeError(`Expected \`pollMs\` to be a positive number of milliseconds, got ${describe(pollMs)}`);
  }
  return pollMs;
}

function checkSynchronous(synchronous: unknown): 'full' | 'normal' {
  if (synchronous === undefined) return 'full';
  if (synchronous !== 'full' && synchronous !== 'normal') throw new TypeError(`Expected \`synchronous\` to be 'full' or 'normal', got ${describe(synchronous)}`);
  return synchronous;
}

/** SQLite's error as a StoreUnavailableError when it says that nothing was written and a wait may help: a full disk, a lock held past the busy timeout. */
function unavailable(error: unknown, path: string): StoreUnavailableError | undefined {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  if (code === 'SQLITE_FULL') {
    return new StoreUnavailableError(`Not stored: the disk of ${path} is full (SQLite: ${(error as Error).message}); nothing of the batch was written`, 'full', {
      retryAfterMs: 30_000,
      cause: error,
    });
  }
  if (code.startsWith('SQLITE_BUSY')) {
    return new StoreUnavailableError(`Not stored: ${path} stayed locked by another writer past the busy timeout; nothing of the batch was written`, 'busy', { cause: error });
  }
  return undefined;
}

function closedError(path: string): Error {
  return new StoreClosedError(`The SqliteStore on ${path} is closed`);
}

/** A received value for an error message, as @gochan/pool renders them: `got 0`, `got "x"`, `got an object`. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}
