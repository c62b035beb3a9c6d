import {
  StoreClosedError,
  checkClaimMax,
  checkLease,
  checkMaxCrashes,
  checkNewStoredJob,
  checkRetryAt,
  type ClaimedJob,
  type DeadJob,
  type NewStoredJob,
  type Store,
  type StoreCounts,
  type SubmitResult,
} from '@gochan/pool';
import { createClient, type RedisClientType } from '@redis/client';
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Adds } from './adds.js';
import { decodeClaim } from './decode.js';
import { checkServer, connectError, readDurability, type RedisDurability } from './server.js';
import { CLAIM, COMPLETE, FAIL, GROUP, KEY_TYPES, LEAVE, RELEASE, RENEW, keyList, redisKeys, type RedisKeys } from './scripts.js';

/*
 * RedisStore keeps a queue in Redis Streams (scripts.ts has the keys and the
 * scripts): the Store seam of @gochan/pool, shared by every process whose
 * store names the same Redis and queue, each process one consumer of the
 * queue's group.
 *
 * Invariants:
 *  - Every change to the queue is one Lua script (atomic in Redis); writes
 *    are gathered and sent as one script per kind: the adds at the end of
 *    the current microtasks (adds.ts, which also says what each answer to
 *    an add means), the completes and fails
 *    at the end of the turn (#flushSettles), unless a claim takes the
 *    completes first into its own script call (#claimNow); pipelined on the
 *    one connection. Each promise settles with its script's reply, so a
 *    resolved add has been applied by Redis (and, with appendfsync always,
 *    fsynced) before.
 *  - Every command on the main connection is in #unanswered until it is
 *    answered; the watchdog rejects those unanswered for COMMAND_TIMEOUT_MS
 *    (but the adds, which wait for the truth), and marks the connection
 *    #stalled until the next answer. No offline queue: a command issued
 *    while the connection is down fails at once, unsent.
 *  - Every script replies with the counts hash; #counts is the last such
 *    reply, or the last poll's (#pollCounts), whichever came later.
 *  - #claimWakers holds the parked claims. While it is not empty, #watch
 *    runs: a blocking XREAD of at most blockMs on its own connection, retried
 *    until no claim is parked; each return (new entries, the time bound,
 *    an error) wakes every parked claim, which runs the claim script again
 *    (and so takes over expired leases within about blockMs).
 *  - #changeWakers holds the changed() calls; while it is not empty the
 *    counts are polled every pollMs, and any change of `waiting` (polled or
 *    replied) wakes them all.
 */

/** RedisStoreOptions configure a {@link RedisStore}. */
export interface RedisStoreOptions {
  /**
   * The Redis server: `redis://[[user]:password@]host[:port][/db]` (or
   * `rediss://` for TLS).
   * @default 'redis://localhost:6379'
   */
  url?: string | undefined;
  /**
   * The queue's name: its keys all carry it (`gochan:{name}:…`), so stores
   * of different queues share a database without touching each other.
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
   * before the job goes to the dead-letter stream instead.
   * @default 5
   */
  maxCrashes?: number | undefined;
  /**
   * The bound of each blocking read, in milliseconds: a parked claim looks
   * again at least this often (and so takes over an expired lease within it).
   * @default 1000
   */
  blockMs?: number | undefined;
  /**
   * How often, in milliseconds, a submit waiting for room (changed())
   * reads the counts, to see the claims of other processes.
   * @default 50
   */
  pollMs?: number | undefined;
  /**
   * How long the first connection may take, in milliseconds, before
   * {@link RedisStore.open} gives up with a clear error. Later outages are
   * waited out: the store reconnects for as long as it is open.
   * @default 5000
   */
  connectTimeoutMs?: number | undefined;
}

/** RedisStoreStats are a RedisStore's dealings with Redis, for a person watching it. */
export interface RedisStoreStats {
  /** Jobs this store claimed that had run before: a retry after a failure, or a job taken over after a lease. */
  redelivered: number;
  /** Jobs this store took over from a holder whose lease had expired (a crash each). */
  recovered: number;
  /** Jobs this store sent to the dead-letter stream because their leases kept expiring. */
  buried: number;
  /** Renewals that failed: the script could not run (a renewal that found a lease lost is not a failure). */
  renewFailures: number;
  /** When the last claim script or blocking read succeeded, in ms since the epoch (0: never). */
  lastPoll: number;
  /** Blocking reads and polls that failed (Redis unreachable, restarting): each was retried. */
  pollErrors: number;
  /** Times the connection was lost and made again. */
  reconnects: number;
  /** Times the consumer group had vanished and this store made it again. */
  groupsRecreated: number;
}

/** RedisStoreError says why a RedisStore could not open: Redis unreachable, the password refused, a key of the wrong type. */
export class RedisStoreError extends Error {
  /** RedisStoreError.name is `'RedisStoreError'`. */
  override name = 'RedisStoreError';
}

/** DEFAULT_REDIS_URL is the server a store connects to when no `url` is given. */
export const DEFAULT_REDIS_URL = 'redis://localhost:6379';
/** DEFAULT_REDIS_QUEUE is a store's queue name when none is given. */
export const DEFAULT_REDIS_QUEUE = 'tasks';

/** Jobs in one script call at most: a bigger batch is split, and the scripts pipelined. */
const CHUNK = 500;

/**
 * How long a command may go unanswered before its caller gets an error (and
 * retries, for the claims): node-redis's own default, kept by one watchdog
 * timer per store rather than by node-redis's timer per command, which cost
 * about a third of the client's time per awaited submit.
 */
const COMMAND_TIMEOUT_MS = 5_000;

/** A command sent and not yet answered: when the watchdog gives up on it, and how. */
interface Unanswered {
  readonly until: number;
  readonly reject: (error: unknown) => void;
  /** False for a command that waits for its answer however long (an add): the watchdog only marks the connection stalled. */
  readonly watched: boolean;
}

type Client = RedisClientType;

/** One write waiting for the next flush. */
interface Pending<T> {
  readonly args: readonly string[];
  readonly resolve: (result: T) => void;
  readonly reject: (error: unknown) => void;
}

/** A claim's token, parsed: the stream entry, and its delivery count at the claim. */
function parseToken(token: string): [entry: string, deliveries: string] | undefined {
  const slash = token.indexOf('/');
  return slash > 0 ? [token.slice(0, slash), token.slice(slash + 1)] : undefined;
}

/**
 * RedisStore is a {@link Store} on Redis Streams: the shared durable store
 * for `WorkerPool`'s `store` option when several processes (or
 * machines) take work from one queue. Each store is one consumer of the
 * queue's consumer group; a job held by a process that died is taken over
 * by another after its lease; completed jobs are acknowledged and deleted
 * together; failed ones wait in a sorted set for their retry, then go to a
 * dead-letter stream with their last error. Node only.
 *
 * Open it with {@link RedisStore.open} (it connects and checks the keys),
 * and close it after the pool's shutdown, so that the jobs the shutdown
 * released are written.
 *
 * @example
 * ```ts
 * await using store = await RedisStore.open({ url: 'redis://localhost:6379', queue: 'emails', leaseMs: 10_000 });
 * const pool = new WorkerPool<string>({ workers: 8, store, handler: async (job) => {} });
 * ```
 */
export class RedisStore implements Store, AsyncDisposable {
  /** RedisStore.leaseMs is how long a claim holds a job without renewal. */
  readonly leaseMs: number;
  /** RedisStore.maxCrashes is how many expired leases a job survives before it is dead. */
  readonly maxCrashes: number;
  /** RedisStore.queue is the queue's name. */
  readonly queue: string;
  /** RedisStore.keys are the queue's keys in Redis. */
  readonly keys: RedisKeys;
  /** RedisStore.consumer is this store's name in the consumer group: host, pid and a random part. */
  readonly consumer: string;
  /** RedisStore.durability is what the server said of its persistence at open; undefined if it refused CONFIG GET. */
  durability: RedisDurability | undefined;

  /** The connection for every script; reconnects on its own. */
  readonly #client: Client;
  /** The connection for the blocking reads, made on first need. */
  #blocking: Client | undefined;
  readonly #keyList: string[];
  readonly #blockMs: number;
  readonly #pollMs: number;
  /** Script SHA1s, by script. */
  readonly #shas = new Map<string, string>();
  #pending = {
    complete: [] as Pending<boolean>[],
    fail: [] as Pending<boolean>[],
  };
  readonly #adds: Adds;
  #settlesScheduled = false;
  /** Set by the watchdog when a command went unanswered for COMMAND_TIMEOUT_MS; cleared by the next answer or reconnection. */
  #stalled = false;
  /** Writes sent and not yet answered: close() waits for them. */
  readonly #inFlight = new Set<Promise<unknown>>();
  /** Commands sent and not yet answered, oldest first; the watchdog rejects those past their time. */
  readonly #unanswered = new Set<Unanswered>();
  #watchdog: ReturnType<typeof setInterval> | undefined = undefined;
  #counts: StoreCounts = { waiting: 0, running: 0, completed: 0, failed: 0, dead: 0 };
  /** XAUTOCLAIM's cursor, kept between claims so a long pending list is scanned through. */
  #cursor = '0-0';
  /** When a claim last looked for expired leases (ms since the epoch): a busy queue looks at least every blockMs. */
  #lastScan = 0;
  /** The newest entry id the last claim saw: the blocking read waits for one after it. */
  #top = '0-0';
  /** When the next retry comes due (ms since the epoch), or Infinity. */
  #nextDue = Infinity;
  readonly #claimWakers = new Set<() => void>();
  readonly #changeWakers = new Set<() => void>();
  #watching = false;
  #pollTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  #closed = false;
  readonly #stats: RedisStoreStats = {
    redelivered: 0,
    recovered: 0,
    buried: 0,
    renewFailures: 0,
    lastPoll: 0,
    pollErrors: 0,
    reconnects: 0,
    groupsRecreated: 0,
  };

  private constructor(client: Client, options: { queue: string; leaseMs: number; maxCrashes: number; blockMs: number; pollMs: number }) {
    this.#client = client;
    this.leaseMs = options.leaseMs;
    this.maxCrashes = options.maxCrashes;
    this.queue = options.queue;
    this.keys = redisKeys(options.queue);
    this.#keyList = keyList(this.keys);
    this.#blockMs = options.blockMs;
    this.#pollMs = options.pollMs;
    this.consumer = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.#adds = new Adds({
      consumer: this.consumer,
      run: (script, args, watched) => this.#run(script, args, watched),
      unavailable: () => (!this.#client.isReady ? 'offline' : this.#stalled ? 'stalled' : undefined),
      added: (waiting) => {
        if (waiting !== undefined) this.#setWaiting(waiting);
        this.#wakeClaims();
      },
      track: (promise) => this.#track(promise),
    });
  }

  /**
   * RedisStore.open connects to Redis, checks that the queue's keys are
   * free or a queue's, and makes the consumer group if need be.
   *
   * @throws RedisStoreError when Redis cannot be reached within `connectTimeoutMs`, refuses the password, or holds a key of another type at the queue's name.
   * @throws RangeError or TypeError for a bad option, naming it and the value received.
   */
  static async open(options: RedisStoreOptions = {}): Promise<RedisStore> {
    const url = options.url ?? DEFAULT_REDIS_URL;
    if (typeof url !== 'string' || !/^rediss?:\/\//.test(url)) throw new TypeError(`Expected \`url\` to be a redis:// or rediss:// URL, got ${describe(url)}`);
    const settings = {
      queue: checkQueue(options.queue),
      leaseMs: checkLease(options.leaseMs),
      maxCrashes: checkMaxCrashes(options.maxCrashes),
      blockMs: checkMs('blockMs', options.blockMs, 1_000),
      pollMs: checkMs('pollMs', options.pollMs, 50),
    };
    const connectTimeout = checkMs('connectTimeoutMs', options.connectTimeoutMs, 5_000);
    const shown = url.replace(/\/\/[^@/]*@/, '//***@');
    let ready = false;
    let store: RedisStore | undefined;
    let lost = false;
    const client = createClient({
      url,
      socket: {
        connectTimeout,
        // Before the first connection: fail (open() says why). After: retry for as long as the store is open.
        reconnectStrategy: (retries, cause) => (ready ? Math.min(50 * 2 ** retries, 1_000) : cause),
      },
      pingInterval: 10_000,
      // No timer per command: the store's watchdog bounds them (see COMMAND_TIMEOUT_MS).
      commandOptions: { timeout: 0 },
      // No offline queue: a command issued while the connection is down fails at once, unsent. With one,
      // node-redis ran a submit that had already been answered 500 once Redis came back (adds.ts).
      disableOfflineQueue: true,
    }) as Client;
    client.on('error', (error: Error) => {
      if (!ready || lost) return;
      lost = true;
      console.error(`redis-store: the connection to ${shown} failed (${error.message}); reconnecting`);
    });
    client.on('ready', () => {
      if (store !== undefined) store.#stalled = false;
      if (lost && store !== undefined) {
        store.#stats.reconnects++;
        console.error(`redis-store: reconnected to ${shown}`);
      }
      lost = false;
    });
    try {
      await withTimeout(client.connect(), connectTimeout + 1_000, () => new Error(`no answer within ${connectTimeout} ms`));
      ready = true;
    } catch (error) {
      client.destroy();
      throw new RedisStoreError(connectError(shown, url, error), { cause: error });
    }
    store = new RedisStore(client, settings);
    try {
      const refusal = await checkServer(shown, (command) => store!.#command(command));
      if (refusal !== undefined) throw new RedisStoreError(refusal);
      await store.#prepare();
    } catch (error) {
      client.destroy();
      throw error;
    }
    return store;
  }

  /** Checks the keys' types, makes the group, reads the counts and the server's persistence. */
  async #prepare(): Promise<void> {
    const entries = Object.entries(this.keys) as [keyof RedisKeys, string][];
    const types = await Promise.all(entries.map(([, key]) => this.#command<string>(['TYPE', key])));
    for (let i = 0; i < entries.length; i++) {
      const [name, key] = entries[i]!;
      if (types[i] !== 'none' && types[i] !== KEY_TYPES[name]) {
        throw new RedisStoreError(
          `Cannot use queue ${JSON.stringify(this.queue)}: the key ${key} holds a ${types[i]}, not a ${KEY_TYPES[name]} (another program uses this name? choose another \`queue\`)`,
        );
      }
    }
    try {
      await this.#command(['XGROUP', 'CREATE', this.keys.stream, GROUP, '0', 'MKSTREAM']);
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
    this.#setCounts(await this.#command<(string | null)[]>(['HMGET', this.keys.counts, 'waiting', 'running', 'completed', 'failed', 'dead']));
    this.durability = await readDurability((command) => this.#command(command));
  }

  /** add: see adds.ts (and the README's table) for what each answer means. */
  add(job: NewStoredJob): Promise<SubmitResult> {
    if (this.#closed) return Promise.reject(closedError());
    const bad = checkNewStoredJob(job);
    if (bad !== undefined) return Promise.reject(bad);
    return this.#adds.add(job);
  }

  async claim(max: number, signal: AbortSignal): Promise<ClaimedJob[]> {
    signal.throwIfAborted();
    if (this.#closed) throw closedError();
    const bad = checkClaimMax(max);
    if (bad !== undefined) throw bad;
    for (;;) {
      const run = this.#claimNow(max);
      let jobs: ClaimedJob[];
      try {
        jobs = await raceAbort(run, signal);
      } catch (error) {
        // Aborted while the script ran: whatever it claims goes back at once.
        if (signal.aborted) void run.then((late) => (late.length > 0 ? this.release(late) : undefined)).catch(() => {});
        throw error;
      }
      if (jobs.length > 0) return jobs;
      await this.#park(signal);
    }
  }

  async renew(jobs: readonly ClaimedJob[]): Promise<boolean[]> {
    const out: boolean[] = [];
    try {
      for (let i = 0; i < jobs.length; i += CHUNK) {
        const args = [this.consumer, String(this.leaseMs)];
        const known: boolean[] = [];
        for (const job of jobs.slice(i, i + CHUNK)) {
          const token = parseToken(job.token);
          known.push(token !== undefined);
          if (token !== undefined) args.push(...token);
        }
        const [results] = await this.#run<[number[]]>(RENEW, args);
        let k = 0;
        for (const ok of known) out.push(ok && results[k++] === 1);
      }
    } catch (error) {
      this.#stats.renewFailures++;
      throw error;
    }
    return out;
  }

  complete(job: ClaimedJob): Promise<boolean> {
    const token = parseToken(job.token);
    if (token === undefined) return Promise.resolve(false);
    return new Promise((resolve, reject) => {
      this.#pending.complete.push({ args: [...token, job.id], resolve, reject });
      this.#scheduleSettles();
    });
  }

  fail(job: ClaimedJob, error: string, retryAt: number | undefined): Promise<boolean> {
    const bad = checkRetryAt(retryAt);
    if (bad !== undefined) return Promise.reject(bad);
    const token = parseToken(job.token);
    if (token === undefined) return Promise.resolve(false);
    return new Promise((resolve, reject) => {
      this.#pending.fail.push({ args: [...token, error, retryAt === undefined ? '' : String(Math.ceil(retryAt))], resolve, reject });
      this.#scheduleSettles();
    });
  }

  async release(jobs: readonly ClaimedJob[]): Promise<void> {
    for (let i = 0; i < jobs.length; i += CHUNK) {
      const args = [this.consumer, String(this.leaseMs)];
      for (const job of jobs.slice(i, i + CHUNK)) {
        const token = parseToken(job.token);
        if (token !== undefined) args.push(...token);
      }
      if (args.length === 2) continue;
      const [, counts] = await this.#track(this.#run<[number[], (string | null)[]]>(RELEASE, args, false));
      this.#setCounts(counts);
      this.#wakeClaims();
    }
  }

  waiting(): number {
    return this.#counts.waiting;
  }

  changed(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const abort = (): void => {
        this.#changeWakers.delete(wake);
        reject(signal?.reason);
      };
      const wake = (): void => {
        this.#changeWakers.delete(wake);
        signal?.removeEventListener('abort', abort);
        resolve();
      };
      this.#changeWakers.add(wake);
      signal?.addEventListener('abort', abort, { once: true });
      this.#schedulePoll();
    });
  }

  counts(): StoreCounts {
    return { ...this.#counts };
  }

  /** stats are this store's dealings with Redis: redelivered, recovered and buried jobs, failed renewals, the last successful poll. */
  stats(): RedisStoreStats {
    return { ...this.#stats };
  }

  /** deadJobs reads the dead-letter stream: the jobs kept as dead, oldest first, with their last error. */
  async deadJobs(): Promise<DeadJob[]> {
    const entries = await this.#command<[string, string[]][]>(['XRANGE', this.keys.dead, '-', '+']);
    return entries.map(([, list]) => {
      const f = fieldMap(list);
      return { id: f.get('id') ?? '', payload: f.get('payload') ?? '', error: f.get('error') ?? '', failures: Number(f.get('failures')), crashes: Number(f.get('crashes')) };
    });
  }

  /**
   * close waits for the writes already issued, leaves the consumer group if
   * it holds no job, and closes the connections. Call it after the pool's
   * shutdown.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#flush();
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    this.#closed = true;
    this.#adds.close();
    if (this.#pollTimer !== undefined) clearTimeout(this.#pollTimer);
    for (const wake of [...this.#claimWakers]) wake();
    this.#blocking?.destroy();
    try {
      await this.#run(LEAVE, [this.consumer]);
      await this.#client.close();
    } catch {
      this.#client.destroy();
    }
    if (this.#watchdog !== undefined) clearInterval(this.#watchdog);
  }

  /** Closes the store: `await using store = await RedisStore.open(…)`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Runs the claim script once: what it claimed (possibly nothing), with fresh
   * tokens. The completes waiting for the next flush go with it (a worker's
   * completion is what frees the room this claim fills: one call, not two).
   */
  async #claimNow(max: number): Promise<ClaimedJob[]> {
    const completes = this.#pending.complete.length > 0 ? this.#pending.complete.splice(0, CHUNK) : [];
    const now = Date.now();
    const args = [
      this.consumer,
      String(max),
      String(this.leaseMs),
      String(this.maxCrashes),
      String(now),
      this.#cursor,
      now - this.#lastScan >= this.#blockMs ? '1' : '0',
      String(completes.length),
      ...entryRange(completes),
    ];
    for (const write of completes) for (const arg of write.args) args.push(arg);
    let reply: [string, (string | null)[], string, string, number, number, number, (string | null)[], number[], number, [string, string[]][]];
    try {
      // Unwatched: a claim that timed out here would still run in Redis, leasing jobs to nobody until their lease ran out.
      reply = await this.#track(this.#run(CLAIM, args, false));
    } catch (error) {
      for (const write of completes) write.reject(error);
      throw error;
    }
    const [cursor, counts, nextDue, top, recovered, buried, recreated, flat, refused, scanned, fresh] = reply;
    settleAll(completes, refused, true, false);
    if (scanned) this.#lastScan = now;
    this.#cursor = cursor;
    this.#top = top;
    this.#nextDue = nextDue === '' ? Infinity : Number(nextDue);
    this.#stats.lastPoll = Date.now();
    this.#stats.recovered += recovered;
    this.#stats.buried += buried;
    this.#stats.groupsRecreated += recreated;
    if (recreated) console.error(`redis-store: the consumer group of ${this.keys.stream} had vanished; made it again`);
    const { jobs, redelivered } = decodeClaim(flat, fresh);
    this.#stats.redelivered += redelivered;
    this.#setCounts(counts);
    return jobs;
  }

  /** Waits for a reason to claim again: new entries, a retry coming due, the time bound; rejects on abort. */
  #park(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = (): void => {
        this.#claimWakers.delete(wake);
        signal.removeEventListener('abort', abort);
        if (timer !== undefined) clearTimeout(timer);
      };
      const wake = (): void => {
        done();
        if (this.#closed) reject(closedError());
        else resolve();
      };
      const abort = (): void => {
        done();
        reject(signal.reason);
      };
      this.#claimWakers.add(wake);
      signal.addEventListener('abort', abort, { once: true });
      if (this.#nextDue < Infinity) timer = setTimeout(wake, Math.max(0, this.#nextDue - Date.now()) + 1);
      void this.#watch();
    });
  }

  /** The blocking-read loop; see the invariants. It cannot end while a claim is parked. */
  async #watch(): Promise<void> {
    if (this.#watching) return;
    this.#watching = true;
    let pause = 0;
    try {
      while (this.#claimWakers.size > 0 && !this.#closed) {
        try {
          this.#blocking ??= await this.#connectBlocking();
          await this.#blocking.sendCommand(['XREAD', 'COUNT', '1', 'BLOCK', String(this.#blockMs), 'STREAMS', this.keys.stream, this.#top], {
            timeout: this.#blockMs + COMMAND_TIMEOUT_MS,
          });
          this.#stats.lastPoll = Date.now();
          pause = 0;
        } catch (error) {
          if (this.#closed) break;
          this.#stats.pollErrors++;
          pause = Math.min(Math.max(2 * pause, 50), 1_000);
          if (this.#stats.pollErrors === 1 || pause === 1_000) console.error(`redis-store: the blocking read failed (retrying in ${pause} ms):`, (error as Error).message);
          await new Promise((resolve) => setTimeout(resolve, pause));
        }
        // New entries, the time bound, or an error: every parked claim looks again.
        this.#wakeClaims();
      }
    } finally {
      this.#watching = false;
    }
  }

  async #connectBlocking(): Promise<Client> {
    const blocking = this.#client.duplicate() as Client;
    blocking.on('error', () => {
      // The loop sees the failed read and retries; the client reconnects on its own.
    });
    await blocking.connect();
    if (this.#closed) blocking.destroy();
    return blocking;
  }

  /** Polls the counts while a changed() waits, so that other processes' claims free room. */
  #schedulePoll(): void {
    if (this.#pollTimer !== undefined || this.#closed) return;
    this.#pollTimer = setTimeout(() => {
      this.#command<(string | null)[]>(['HMGET', this.keys.counts, 'waiting', 'running', 'completed', 'failed', 'dead']).then(
        (counts) => {
          this.#pollTimer = undefined;
          this.#setCounts(counts);
          if (this.#changeWakers.size > 0) this.#schedulePoll();
        },
        () => {
          this.#pollTimer = undefined;
          this.#stats.pollErrors++;
          if (this.#changeWakers.size > 0) this.#schedulePoll();
        },
      );
    }, this.#pollMs);
  }

  #setCounts(reply: readonly (string | number | null)[]): void {
    const before = this.#counts.waiting;
    const [waiting, running, completed, failed, dead] = reply.map((v) => Math.max(0, Number(v ?? 0)));
    this.#counts = { waiting: waiting!, running: running!, completed: completed!, failed: failed!, dead: dead! };
    if (this.#counts.waiting !== before) for (const wake of [...this.#changeWakers]) wake();
  }

  /** Updates the waiting count alone (an add's reply), waking changed() if it moved. */
  #setWaiting(waiting: number): void {
    if (waiting === this.#counts.waiting) return;
    this.#counts = { ...this.#counts, waiting: Math.max(0, waiting) };
    for (const wake of [...this.#changeWakers]) wake();
  }

  #wakeClaims(): void {
    for (const wake of [...this.#claimWakers]) wake();
  }

  /**
   * Completes and fails go out at the end of the turn (setImmediate): the
   * outcomes of every job that finished in the turn in one call, and those a
   * claim takes along first (see #claimNow).
   */
  #scheduleSettles(): void {
    if (this.#settlesScheduled) return;
    this.#settlesScheduled = true;
    setImmediate(() => this.#flushSettles());
  }

  /** Sends every write gathered: one script per kind and chunk, pipelined. */
  #flush(): void {
    this.#adds.flush();
    this.#flushSettles();
  }

  #flushSettles(): void {
    this.#settlesScheduled = false;
    const { complete, fail } = this.#pending;
    this.#pending.complete = [];
    this.#pending.fail = [];
    this.#send(complete, COMPLETE, (chunk) => [this.consumer, String(this.leaseMs), ...entryRange(chunk)], true, false);
    this.#send(fail, FAIL, () => [this.consumer, String(this.leaseMs), String(Date.now())], true, false);
  }

  /** Sends writes of one kind, a script call per chunk; each settles as `ok`, or `refused` if the script names its position. */
  #send<T>(writes: Pending<T>[], script: string, head: (chunk: readonly Pending<T>[]) => string[], ok: T, refused: T): void {
    for (let i = 0; i < writes.length; i += CHUNK) {
      const chunk = writes.length <= CHUNK ? writes : writes.slice(i, i + CHUNK);
      const args = head(chunk);
      for (const write of chunk) for (const arg of write.args) args.push(arg);
      // Unwatched: a write waits for Redis's answer (or a dropped connection), so that a stall never makes the
      // pool send it twice and take the second answer (refused: already done) for a lost lease.
      void this.#track(this.#run<[number[], (string | null)[] | number]>(script, args, false)).then(
        ([positions, counts]) => {
          this.#setCounts(counts as (string | null)[]);
          settleAll(chunk, positions, ok, refused);
          if (script !== COMPLETE) this.#wakeClaims();
        },
        (error: unknown) => {
          for (const write of chunk) write.reject(error);
        },
      );
    }
  }

  #track<T>(write: Promise<T>): Promise<T> {
    this.#inFlight.add(write);
    const untrack = () => void this.#inFlight.delete(write);
    write.then(untrack, untrack);
    return write;
  }

  /** Runs a script by its SHA1, loading it first where the server does not know it (first use, or after a restart). */
  async #run<T>(script: string, args: readonly string[], watched = true): Promise<T> {
    let sha = this.#shas.get(script);
    if (sha === undefined) this.#shas.set(script, (sha = createHash('sha1').update(script).digest('hex')));
    const command = ['EVALSHA', sha, String(this.#keyList.length), ...this.#keyList, ...args];
    try {
      return await this.#command<T>(command, watched);
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      await this.#command(['SCRIPT', 'LOAD', script], watched);
      return await this.#command<T>(command, watched);
    }
  }

  /**
   * Sends one command on the main connection; rejects if Redis has not
   * answered within COMMAND_TIMEOUT_MS, unless not `watched` (it then waits
   * for its answer, or for the connection to drop).
   */
  #command<T>(command: string[], watched = true): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Unanswered = { until: performance.now() + COMMAND_TIMEOUT_MS, reject, watched };
      this.#unanswered.add(entry);
      this.#watchdog ??= this.#startWatchdog();
      this.#client.sendCommand<T>(command).then(
        (reply) => {
          this.#unanswered.delete(entry);
          this.#stalled = false;
          resolve(reply);
        },
        (error: unknown) => {
          this.#unanswered.delete(entry);
          reject(error);
        },
      );
    });
  }

  /** Every second, rejects the commands past their time (the oldest come first: it stops at the first still in time). */
  #startWatchdog(): ReturnType<typeof setInterval> {
    const timer = setInterval(() => {
      const now = performance.now();
      for (const entry of this.#unanswered) {
        if (entry.until > now) break;
        // Unanswered past its time: new adds are refused unsent until Redis answers again.
        this.#stalled = true;
        if (!entry.watched) continue;
        this.#unanswered.delete(entry);
        entry.reject(new Error(`Redis did not answer within ${COMMAND_TIMEOUT_MS} ms`));
      }
    }, 1_000);
    (timer as { unref?: () => void }).unref?.();
    return timer;
  }
}

/** Settles every write as `ok`, but those at `refused` (positions from 1) as `no`. */
function settleAll<T>(writes: readonly Pending<T>[], refused: readonly number[], ok: T, no: T): void {
  const marks = new Set(refused);
  for (let k = 0; k < writes.length; k++) writes[k]!.resolve(marks.size > 0 && marks.has(k + 1) ? no : ok);
}

/** A stream entry id's two numbers, for ordering (Redis orders by milliseconds, then sequence). */
function entryOrder(entry: string): [number, number] {
  const dash = entry.indexOf('-');
  return [Number(entry.slice(0, dash)), Number(entry.slice(dash + 1))];
}

/**
 * The oldest and newest entry of a batch of completes (their args start with
 * the entry): the scripts check the batch's tokens in one XPENDING over that
 * range. ['', ''] under four (one XPENDING each is as cheap), or if an entry
 * id is not one.
 */
function entryRange(writes: readonly { readonly args: readonly string[] }[]): [string, string] {
  if (writes.length < 4) return ['', ''];
  let lo = writes[0]!.args[0]!;
  let hi = lo;
  let [loMs, loSeq] = entryOrder(lo);
  let [hiMs, hiSeq] = [loMs, loSeq];
  for (const write of writes) {
    const entry = write.args[0]!;
    const [ms, seq] = entryOrder(entry);
    if (!Number.isFinite(ms) || !Number.isFinite(seq)) return ['', ''];
    if (ms < loMs || (ms === loMs && seq < loSeq)) [lo, loMs, loSeq] = [entry, ms, seq];
    if (ms > hiMs || (ms === hiMs && seq > hiSeq)) [hi, hiMs, hiSeq] = [entry, ms, seq];
  }
  return [lo, hi];
}

function fieldMap(list: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < list.length; i += 2) map.set(list[i]!, list[i + 1]!);
  return map;
}

function closedError(): Error {
  return new StoreClosedError('The RedisStore is closed');
}

/** Resolves as `promise` does, or rejects with the signal's reason once it aborts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const abort = (): void => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(error()), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (reason: unknown) => {
        clearTimeout(timer);
        reject(reason);
      },
    );
  });
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function checkQueue(queue: unknown): string {
  if (queue === undefined) return DEFAULT_REDIS_QUEUE;
  if (typeof queue !== 'string' || queue === '' || /[{}]/.test(queue)) {
    throw new TypeError(`Expected \`queue\` to be a non-empty name without braces, got ${describe(queue)}`);
  }
  return queue;
}

function checkMs(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`Expected \`${name}\` to be a positive number of milliseconds, got ${describe(value)}`);
  }
  return value;
}
