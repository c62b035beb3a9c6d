import { describe } from '@gochan/channel';
import { isContext, type Context } from '@gochan/context';
import { jsonCodec, type Codec } from './codec.js';

export type { PayloadCodec } from './codec.js';
import { CANCEL_GRACE_MS } from './grace.js';
import type { ErrorHandler, Handler } from './job.js';
import { resolveMetrics, type MetricsOptions } from './metrics.js';
import type { PoolObserver } from './observer.js';
import type { Store } from './store.js';
import { ThreadHandOff, type ThreadLimits } from './thread-handler.js';

/**
 * DEFAULT_QUEUE_SIZE is the queue's capacity when `queueSize` is not given:
 * the buffered channel of the first article, Go's `make(chan Job, 100)`.
 */
export const DEFAULT_QUEUE_SIZE = 100;

/** DEFAULT_MAX_ATTEMPTS is how many times a stored job runs before it is kept as dead, when `maxAttempts` is not given. */
export const DEFAULT_MAX_ATTEMPTS = 3;

/** MAX_JOB_ID_LENGTH is the longest job id a pool accepts, in UTF-16 code units. */
export const MAX_JOB_ID_LENGTH = 1024;

/**
 * defaultBackoff is the wait before a failed stored job runs again: 1 s
 * after the first failure, doubling each time, at most 5 minutes.
 */
export function defaultBackoff(attempt: number): number {
  return Math.min(1_000 * 2 ** (attempt - 1), 300_000);
}

/**
 * PoolOptions configures a {@link WorkerPool}. Each option is a knob one of
 * the articles turns in Go: the number of workers (`startWorkers(n)`), the
 * buffered channel's size, the work itself, the context that cancels the
 * pool, and the error log.
 */
export interface PoolOptions<P, R> {
  /** How many jobs run at once: the worker loops started (`startWorkers(n)`). A positive integer. */
  workers: number;
  /**
   * How many submitted jobs wait for a worker before `submit` waits too
   * (backpressure). Without a store it is the jobs channel's capacity, and 0
   * makes the channel unbuffered: a submit then waits until a worker takes
   * the job. With a store it bounds the store's waiting jobs (at least 1).
   * @default 100
   */
  queueSize?: number | undefined;
  /**
   * Where the jobs wait: a durable {@link Store} (SQLite, Redis), or a
   * {@link MemoryStore}. With one, `submit` resolves once the job is stored,
   * a feeder claims jobs into the jobs channel, failed jobs are retried, and
   * a shutdown gives its unfinished jobs back to the store. Without one
   * (the default), the jobs channel is the queue, as in the articles.
   */
  store?: Store | undefined;
  /**
   * With a store: the jobs channel's capacity, how many claimed jobs wait in
   * this process for a free worker. More makes the workers wait less for
   * the store; each holds a lease, and goes back to the store at shutdown.
   * @default workers
   */
  prefetch?: number | undefined;
  /**
   * With a store: how many times a job runs before a failure is final and
   * the job is kept as dead. A crash of the process running it does not
   * count (the store caps crashes apart: its `maxCrashes`).
   * @default 3
   */
  maxAttempts?: number | undefined;
  /**
   * With a store: how long to wait before running a failed job again, given
   * the attempt that failed (from 1), in milliseconds.
   * @default {@link defaultBackoff}: 1 s, doubling, at most 5 minutes
   */
  backoff?: ((attempt: number) => number) | undefined;
  /**
   * With a store: how payloads are turned into text and back. Required
   * for a payload type the default JSON codec does not give back unchanged
   * (a Date, a Map, a bigint: see {@link PayloadCodec}).
   * @default {@link jsonCodec}
   */
  codec?: Codec<P> | undefined;
  /**
   * The work of one job: a function (see {@link Handler}), run on the
   * pool's thread; or a module, a `URL` (`new URL('./resize.js',
   * import.meta.url)`), a `file:` or `data:` URL string or an absolute
   * path, whose default export is called as a handler is, on a thread of
   * `@gochan/threads` (Node only; loaded only then). A module handler gets
   * the job (`id`, `payload`, `attempt`), a context of its thread's own
   * (cancelled, with its signal aborted, when the job's is here; same
   * deadline) and `{ id, state, job }` for its worker; payloads and results
   * cross by structured clone. See the README's "Handlers on every core".
   */
  handler: Handler<P, R> | URL | string;
  /**
   * With a module handler: the threads jobs run on, `@gochan/threads`'
   * GOMAXPROCS, set when the first job starts. Process-wide, as Go's
   * `runtime.GOMAXPROCS` is. `workers` still bounds the jobs in flight; with
   * more workers than threads, threads are shared.
   * @default GOMAXPROCS: the `GOMAXPROCS` environment variable, else the cores
   */
  threads?: number | undefined;
  /**
   * With a module handler: Node's `resourceLimits` for the threads started
   * from the first job on (process-wide, `@gochan/threads`'
   * setResourceLimits). A handler that goes past them kills its thread: its
   * job fails as a crash, with an error that says it ran out of memory.
   */
  resourceLimits?: ThreadLimits | undefined;
  /**
   * With a module handler: how much nicer (Unix niceness, 0 to 19) than the
   * pool's thread the threads started from the first job on are
   * (process-wide, `@gochan/threads`' setNice; Linux only), so that the
   * pool's thread, which runs the event loop and hands every job over, gets
   * a core first when it wakes while every thread computes. Measured in
   * bench/RESULTS.md ("The pool on every core"). The threads then also
   * yield to other programs on the machine.
   * @default 0: the threads are as nice as the pool's thread
   */
  nice?: number | undefined;
  /**
   * How long, in milliseconds, a handler has to return once its context is
   * cancelled before the pool gives up on it: shutdown waits this long past
   * its timeout before it reports the jobs still running unfinished, and a
   * module handler still running this long after its job's context was
   * cancelled (its deadline, the job's own context, the shutdown) has its
   * thread ended. Longer suits handlers that unwind slowly, or a machine so
   * loaded that a cooperative handler may not get a core in time.
   * @default CANCEL_GRACE_MS (100)
   */
  cancelGraceMs?: number | undefined;
  /**
   * The parent of the pool's context. Cancelling it stops the pool as a
   * shutdown with no time left would: running handlers see their context
   * cancelled, queued jobs are not started, and no job is taken any more.
   * @default background()
   */
  ctx?: Context | undefined;
  /**
   * Told about every job submitted with `submit` or `trySubmit` that fails
   * (`run` hands the error to its caller instead). It must not throw; if it
   * does, the error is logged and the worker goes on.
   * @default logs the job's id and the error with `console.error`
   */
  onError?: ErrorHandler<P> | undefined;
  /**
   * Told of every job's moves (submitted, started, finished, failed,
   * retried) with their timings, and of the shutdown: for metrics and logs.
   * Without one (the default) it calls nobody per job. It is for logs and
   * whatever needs every job; metrics do not need one (see `metrics`). See
   * {@link PoolObserver}.
   */
  observer?: PoolObserver<P> | undefined;
  /**
   * How the pool's own metrics ({@link WorkerPool.metrics}) time jobs: one
   * in `sampleEvery` has its queue wait and run time recorded in the
   * histograms. The counters are exact and always kept. See {@link MetricsOptions}.
   * @default `{ sampleEvery: DEFAULT_SAMPLE_EVERY, buckets: DEFAULT_BUCKETS }`
   */
  metrics?: MetricsOptions | undefined;
}

/** The options with defaults applied, checked. */
export interface ResolvedOptions<P, R> {
  workers: number;
  queueSize: number;
  handler: Handler<P, R>;
  /** With a module handler: its hand-off to threads, closed at shutdown. */
  threaded: { close(): Promise<void> } | undefined;
  cancelGraceMs: number;
  ctx: Context | undefined;
  onError: ErrorHandler<P>;
  observer: PoolObserver<P> | undefined;
  /** The metrics' sampling and buckets, checked. */
  metrics: { sampleEvery: number; buckets: readonly number[] };
  /** The store and its settings, when there is one. */
  stored: StoredOptions<P> | undefined;
}

/** The options that matter only with a store, checked. */
export interface StoredOptions<P> {
  store: Store;
  prefetch: number;
  maxAttempts: number;
  backoff: (attempt: number) => number;
  codec: Codec<P>;
}

/** The default onError: the first article's `log.Printf("Job failed: %v", err)`, naming the job. */
export function logError(error: unknown, job: { id: string }): void {
  console.error(`pool: job ${job.id} failed:`, error);
}

/**
 * resolveOptions checks the constructor's options and applies the defaults.
 * @throws TypeError or RangeError naming the option and the value received.
 */
export function resolveOptions<P, R>(options: PoolOptions<P, R>): ResolvedOptions<P, R> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got ${describe(options)}`);
  }
  const { workers, queueSize = DEFAULT_QUEUE_SIZE, handler, ctx, onError = logError, observer, cancelGraceMs = CANCEL_GRACE_MS } = options;
  checkInteger('workers', workers, 1, 'a positive integer');
  checkInteger('queueSize', queueSize, 0, 'a non-negative integer');
  checkMilliseconds('cancelGraceMs', cancelGraceMs);
  const threaded = resolveThreaded(options, cancelGraceMs);
  if (ctx !== undefined && !isContext(ctx)) {
    throw new TypeError(`Expected \`ctx\` to be a Context, got ${describe(ctx)}`);
  }
  if (typeof onError !== 'function') {
    throw new TypeError(`Expected \`onError\` to be a function, got ${describe(onError)}`);
  }
  if (observer !== undefined && (typeof observer !== 'object' || observer === null)) {
    throw new TypeError(`Expected \`observer\` to be an object of event methods, got ${describe(observer)}`);
  }
  const metrics = resolveMetrics(options.metrics);
  const resolved = threaded === undefined ? (handler as Handler<P, R>) : threaded.handler;
  return { workers, queueSize, handler: resolved, threaded, cancelGraceMs, ctx, onError, observer, metrics, stored: resolveStored(options, workers, queueSize) };
}

/**
 * The handler's kind, checked: a function as it is, or a module (a URL, a
 * URL string, an absolute path) with its `threads`, `resourceLimits` and `nice`,
 * each refused with a function handler, where it would mean nothing.
 */
function resolveThreaded<P, R>(options: PoolOptions<P, R>, cancelGraceMs: number): ThreadHandOff<P, R> | undefined {
  const { handler, threads, resourceLimits, nice } = options;
  if (typeof handler === 'function') {
    for (const name of ['threads', 'resourceLimits', 'nice'] as const) {
      if (options[name] !== undefined) throw new TypeError(`\`${name}\` needs a module \`handler\` (a URL): a function handler runs on the pool's thread`);
    }
    return undefined;
  }
  let url: string;
  if (handler instanceof URL) url = handler.href;
  else if (typeof handler === 'string' && /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(handler)) url = new URL(handler).href;
  else if (typeof handler === 'string' && handler.startsWith('/')) url = `file://${handler.split('/').map(encodeURIComponent).join('/')}`;
  else if (typeof handler === 'string') {
    throw new TypeError(`Expected \`handler\` to be a function or a module's URL or absolute path, got the relative ${JSON.stringify(handler)}; write new URL(${JSON.stringify(handler)}, import.meta.url)`);
  } else throw new TypeError(`Expected \`handler\` to be a function or a module's URL, got ${describe(handler)}`);
  if (threads !== undefined) checkInteger('threads', threads, 1, 'a positive integer, at most 255');
  if (threads !== undefined && threads > 255) throw new RangeError(`Expected \`threads\` to be a positive integer, at most 255, got ${threads}`);
  if (resourceLimits !== undefined && (typeof resourceLimits !== 'object' || resourceLimits === null)) {
    throw new TypeError(`Expected \`resourceLimits\` to be an object of Node's resourceLimits, got ${describe(resourceLimits)}`);
  }
  if (nice !== undefined) checkInteger('nice', nice, 0, 'an integer from 0 to 19');
  if (nice !== undefined && nice > 19) throw new RangeError(`Expected \`nice\` to be an integer from 0 to 19, got ${nice}`);
  const platform = (globalThis as { process?: { platform?: unknown } }).process?.platform;
  if (nice !== undefined && nice > 0 && platform !== 'linux') throw new TypeError(`\`nice\` needs Linux, where a thread's niceness is its own (here: ${String(platform ?? 'no process')})`);
  return new ThreadHandOff<P, R>(url, threads, resourceLimits, nice, cancelGraceMs);
}

const STORE_METHODS = ['add', 'claim', 'renew', 'complete', 'fail', 'release', 'waiting', 'changed', 'counts'] as const;

/** The store's options, checked: each is refused without a store, where it would mean nothing. */
function resolveStored<P, R>(options: PoolOptions<P, R>, workers: number, queueSize: number): StoredOptions<P> | undefined {
  const { store, prefetch = workers, maxAttempts = DEFAULT_MAX_ATTEMPTS, backoff = defaultBackoff, codec = jsonCodec as Codec<P> } = options;
  if (store === undefined) {
    for (const name of ['prefetch', 'maxAttempts', 'backoff', 'codec'] as const) {
      if (options[name] !== undefined) throw new TypeError(`\`${name}\` needs a \`store\`: without one the jobs channel is the queue`);
    }
    return undefined;
  }
  const missing = typeof store === 'object' && store !== null ? STORE_METHODS.find((name) => typeof store[name] !== 'function') : 'add';
  if (missing !== undefined || !(typeof store.leaseMs === 'number' && store.leaseMs > 0)) {
    throw new TypeError(`Expected \`store\` to be a Store (${missing === undefined ? 'a positive leaseMs' : `a ${missing}() method`}), got ${describe(store)}`);
  }
  checkInteger('queueSize', queueSize, 1, 'a positive integer with a store');
  checkInteger('prefetch', prefetch, 0, 'a non-negative integer');
  checkInteger('maxAttempts', maxAttempts, 1, 'a positive integer');
  if (typeof backoff !== 'function') throw new TypeError(`Expected \`backoff\` to be a function, got ${describe(backoff)}`);
  if (typeof codec !== 'object' || codec === null || typeof codec.encode !== 'function' || typeof codec.decode !== 'function') {
    throw new TypeError(`Expected \`codec\` to have encode() and decode(), got ${describe(codec)}`);
  }
  return { store, prefetch, maxAttempts, backoff, codec };
}

/**
 * checkJob says what makes `job` unfit to submit, if anything: not an object
 * with an `id` of 1 to MAX_JOB_ID_LENGTH characters, or a `ctx` that is not
 * a Context.
 */
export function checkJob(job: unknown): TypeError | RangeError | undefined {
  // The test alone, the messages in jobError: small enough that the optimizing compiler inlines it into
  // every submit without spending the budget it shares with the channel's send (see Metrics in metrics.ts).
  const candidate = job as { id?: unknown; ctx?: unknown } | null;
  if (typeof candidate === 'object' && candidate !== null) {
    const { id, ctx } = candidate;
    if (typeof id === 'string' && id.length !== 0 && id.length <= MAX_JOB_ID_LENGTH && (ctx === undefined || isContext(ctx))) return undefined;
  }
  return jobError(job);
}

/** jobError says what is wrong with a job checkJob refused. */
function jobError(job: unknown): TypeError | RangeError {
  const candidate = job as { id?: unknown; ctx?: unknown } | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.id !== 'string') {
    const got = typeof candidate === 'object' && candidate !== null && !Array.isArray(candidate) ? `an object with \`id\` ${describe(candidate.id)}` : describe(job);
    return new TypeError(`Expected \`job\` to be an object with a string \`id\`, got ${got}`);
  }
  const { length } = candidate.id;
  if (length === 0 || length > MAX_JOB_ID_LENGTH) {
    return new RangeError(`Expected \`job.id\` to be 1 to ${MAX_JOB_ID_LENGTH} characters, got ${length === 0 ? 'an empty string' : `${length} characters`}`);
  }
  if (candidate.ctx !== undefined && !isContext(candidate.ctx)) {
    return new TypeError(`Expected \`job.ctx\` to be a Context, got ${describe(candidate.ctx)}`);
  }
  throw new Error('jobError: called for a valid job');
}

/**
 * checkTimeout checks shutdown's `timeout`: a non-negative number of
 * milliseconds, `Infinity` or undefined to wait as long as it takes.
 */
export function checkTimeout(timeout: unknown): number | undefined {
  if (timeout === undefined || timeout === Infinity) return undefined;
  if (typeof timeout !== 'number') {
    throw new TypeError(`Expected \`timeout\` to be a number of milliseconds, got ${describe(timeout)}`);
  }
  if (!(timeout >= 0)) {
    throw new RangeError(`Expected \`timeout\` to be a non-negative number of milliseconds, got ${describe(timeout)}`);
  }
  return timeout;
}

/** A duration option: a finite, non-negative number of milliseconds. */
function checkMilliseconds(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`Expected \`${name}\` to be a number of milliseconds, got ${describe(value)}`);
  if (!(value >= 0 && value < Infinity)) throw new RangeError(`Expected \`${name}\` to be a finite, non-negative number of milliseconds, got ${describe(value)}`);
}

function checkInteger(name: string, value: unknown, min: number, expected: string): asserts value is number {
  if (typeof value !== 'number') {
    throw new TypeError(`Expected \`${name}\` to be ${expected}, got ${describe(value)}`);
  }
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`Expected \`${name}\` to be ${expected}, got ${describe(value)}`);
  }
}
