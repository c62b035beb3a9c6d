import { ClosedChannelError, describe } from '@gochan/channel';
import { PoolClosedError } from './errors.js';
import type { Job } from './job.js';
import type { SubmitResult } from './store.js';

/*
 * The pool's metrics, as Go's runtime keeps its own (runtime/metrics): exact
 * counters kept as plain fields, bumped where the job moves, and histograms
 * of latencies fed by one job in `sampleEvery`, the way the scheduler times
 * one goroutine transition in gTrackingPeriod (8) for
 * /sched/latencies:seconds. Nothing is computed until someone reads them
 * (`pool.metrics()`), at scrape time, as a Prometheus client's collect()
 * does; nobody is called per job.
 *
 * Invariants:
 *  - The counters only grow, and each counts every job it names, exactly,
 *    sampled or not.
 *  - The histograms count only sampled jobs, and each sampled job once:
 *    queueWait when it starts, run when it ends completed or failed (a job
 *    cut off by a shutdown is in neither's run count).
 *  - With sampling off (`sampleEvery: 0`) no clock is read for metrics.
 */

/**
 * DEFAULT_SAMPLE_EVERY is how many jobs go by for each one whose queue wait
 * and run time are timed, when `metrics.sampleEvery` is not given: chosen by
 * measurement (bench/RESULTS.md, "Metrics"), the most frequent sampling
 * that keeps a no-op job within 5% of a pool that times nothing. A job's
 * timing costs three clock reads, about 1,500 instructions on Node 20,
 * a third of what the pool spends on a no-op job.
 */
export const DEFAULT_SAMPLE_EVERY = 64;

/**
 * DEFAULT_BUCKETS are the histograms' bucket boundaries, in seconds, when
 * `metrics.buckets` is not given: 1, 2.5 and 5 of each decade from 1 µs to
 * 500 s (Prometheus' default buckets, widened to jobs of microseconds and
 * of minutes).
 */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze(
  Array.from({ length: 9 }, (_, decade) => [1, 2.5, 5].map((step) => Number((step * 10 ** (decade - 6)).toPrecision(2)))).flat(),
);

/** MetricsOptions is the `metrics` option of a {@link WorkerPool}: how its histograms are fed. */
export interface MetricsOptions {
  /**
   * Time one job in this many: its queue wait and its run time go into
   * the histograms. 1 times every job; 0 times none (the counters are kept
   * regardless). Sampling is deterministic, every `sampleEvery`-th submit,
   * as Go's runtime tracks every 8th goroutine transition.
   * @default {@link DEFAULT_SAMPLE_EVERY}
   */
  sampleEvery?: number | undefined;
  /**
   * The histograms' bucket boundaries, in seconds: finite, positive,
   * increasing. The histograms add 0 below them and +Infinity above.
   * @default {@link DEFAULT_BUCKETS}
   */
  buckets?: readonly number[] | undefined;
}

/**
 * Float64Histogram is a distribution in Go's `metrics.Float64Histogram`
 * shape: `counts[i]` values fell in `[buckets[i], buckets[i + 1])`, so
 * `buckets` has one boundary more than `counts`, from 0 to +Infinity.
 * Beyond Go's, it carries `sum`, the total of the values (what a
 * Prometheus histogram's `_sum` needs).
 */
export interface Float64Histogram {
  /** How many values fell in each bucket. */
  counts: number[];
  /** The boundaries, in seconds: `buckets[0]` is 0, the last is +Infinity. */
  buckets: number[];
  /** The values' total, in seconds. */
  sum: number;
}

/**
 * PoolMetrics is what {@link WorkerPool.metrics} reads: Go's
 * `runtime/metrics` for a pool. Its names follow Go's metric names
 * (`/pool/jobs/submitted:jobs`, `/pool/jobs/queue-wait:seconds`, ... in
 * {@link POOL_METRICS}); the counters are cumulative since the pool was
 * made, this process's only.
 */
export interface PoolMetrics {
  /** /pool/jobs/submitted:jobs: jobs accepted (`submit` resolved `'added'`, `trySubmit` returned true). */
  submitted: number;
  /** /pool/jobs/started:jobs: jobs whose handler was called (with a store, retries included, and jobs other processes submitted). */
  started: number;
  /** /pool/jobs/completed:jobs: jobs whose handler returned in time (the stats' `completed`). */
  completed: number;
  /** /pool/jobs/failed:jobs: jobs that threw, rejected, or whose context ended first (the stats' `failed`). */
  failed: number;
  /** /pool/jobs/retried:jobs: with a store, failures that will run again after their backoff. */
  retried: number;
  /** /pool/jobs/dead:jobs: with a store, failures that were the last attempt: the job is kept as dead. */
  dead: number;
  /** /pool/jobs/cut-off:jobs: jobs still running when a shutdown ran out of time (its report's `cutOff`). */
  cutOff: number;
  /** /pool/jobs/refused:jobs: submits, runs and trySubmits refused because the pool was shutting down or its context was done. */
  refused: number;
  /** /pool/jobs/queue-wait:seconds: how long sampled jobs waited from their submit to their start (Go's /sched/latencies:seconds). */
  queueWait: Float64Histogram;
  /** /pool/jobs/run:seconds: how long sampled jobs' handlers ran, completed or failed. */
  run: Float64Histogram;
  /** One job in how many is timed for the histograms (0: none). */
  sampleEvery: number;
}

/** MetricDescription describes one of the {@link PoolMetrics}, as Go's `metrics.Description` does. */
export interface MetricDescription {
  /** Go's form of the name: `/pool/jobs/<what>:<unit>`. */
  readonly name: string;
  /** The field of {@link PoolMetrics} that holds it. */
  readonly field: keyof PoolMetrics;
  /** A counter (cumulative, only grows) or a histogram (of sampled jobs). */
  readonly kind: 'counter' | 'histogram';
  /** What it counts, in a sentence. */
  readonly description: string;
}

/** POOL_METRICS lists every metric of {@link PoolMetrics}, Go's `metrics.All()`: for exporters that name them generically. */
export const POOL_METRICS: readonly MetricDescription[] = Object.freeze([
  { name: '/pool/jobs/submitted:jobs', field: 'submitted', kind: 'counter', description: 'Jobs accepted by submit or trySubmit.' },
  { name: '/pool/jobs/started:jobs', field: 'started', kind: 'counter', description: 'Jobs whose handler was called.' },
  { name: '/pool/jobs/completed:jobs', field: 'completed', kind: 'counter', description: 'Jobs whose handler returned in time.' },
  { name: '/pool/jobs/failed:jobs', field: 'failed', kind: 'counter', description: 'Jobs that threw, rejected, or whose context ended first.' },
  { name: '/pool/jobs/retried:jobs', field: 'retried', kind: 'counter', description: 'Failed stored jobs that will run again.' },
  { name: '/pool/jobs/dead:jobs', field: 'dead', kind: 'counter', description: 'Stored jobs whose last attempt failed.' },
  { name: '/pool/jobs/cut-off:jobs', field: 'cutOff', kind: 'counter', description: 'Jobs still running when a shutdown ran out of time.' },
  { name: '/pool/jobs/refused:jobs', field: 'refused', kind: 'counter', description: 'Jobs refused because the pool was closed.' },
  { name: '/pool/jobs/queue-wait:seconds', field: 'queueWait', kind: 'histogram', description: 'Time sampled jobs waited from submit to start.' },
  { name: '/pool/jobs/run:seconds', field: 'run', kind: 'histogram', description: "Time sampled jobs' handlers ran." },
] as const);

/**
 * The clock: monotonic where there is one (Node, Deno, Bun and browsers all
 * have `performance`), in milliseconds. A read costs about 490 instructions
 * on Node 20: the reason timings are sampled.
 */
export const now: () => number = typeof performance === 'object' ? () => performance.now() : () => Date.now();

/**
 * Stamped is what the queue of an observed pool without a store carries for
 * every job: the job and the time its submit was called (the observer times
 * every job). Without an observer the queue carries the jobs themselves,
 * and the few sampled ones' submit times wait in a map by job: a queue of
 * one shape stays fast (a queue of jobs and, now and then, a Stamped cost
 * about 180 instructions a job in V8's polymorphic property access, more
 * than the clock reads sampling saves); a map that holds no job is one
 * size test per job. (A line of sampled jobs in submit order, checked
 * against its oldest, would be cheaper still, but jobs start out of queue
 * order: a worker that finds a job with tryRecv starts it before a parked
 * worker the channel handed an older one resumes.)
 */
export class Stamped<P> {
  constructor(
    /** The job. */
    readonly job: Job<P>,
    /** now() when its submit was called. */
    readonly due: number,
    /** Whether the metrics time it (an observer's stamp may be for the observer alone). */
    readonly sampled: boolean,
  ) {}
}

/** MAX_TRACKED bounds the submit times kept by id for stored jobs (one submitted here may start elsewhere, and its time would stay). */
const MAX_TRACKED = 10_000;

/** Tally is one histogram as it fills: counts per bucket and the sum, in seconds. */
export class Tally {
  readonly #bounds: readonly number[];
  readonly #counts: Float64Array;
  #sum = 0;

  /** `bounds`: the finite boundaries, increasing; 0 and +Infinity are added around them. */
  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
    this.#counts = new Float64Array(bounds.length + 1);
  }

  /** record counts `seconds` in its bucket: the first whose upper boundary is above it. */
  record(seconds: number): void {
    const bounds = this.#bounds;
    let low = 0;
    let high = bounds.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (seconds < bounds[middle]!) high = middle;
      else low = middle + 1;
    }
    this.#counts[low]!++;
    this.#sum += seconds;
  }

  /** read copies it out, in Go's shape. */
  read(): Float64Histogram {
    return { counts: Array.from(this.#counts), buckets: [0, ...this.#bounds, Infinity], sum: this.#sum };
  }
}

/**
 * Metrics is the pool's side of its metrics: the counters, which the pool
 * bumps itself, and the sampling. It exists for every pool; only the
 * sampled jobs cost a clock read.
 *
 * What runs for every job is a field test or an increment, in methods kept
 * small so that V8's optimizing compiler inlines them into the pool's
 * worker loop and submit; the sampled path is in methods of their own. Size
 * matters because the inlining budget is shared: an optimized function
 * inlines at most 920 bytes of bytecode in all (functions of 27 bytes or
 * less always), and with larger metrics calls the worker loop stopped
 * inlining the channel's tryRecv and the pool's #succeed, and the producer
 * the channel's offer: counted by callgrind, about 320 instructions a no-op
 * job for what is a few increments. The pool's side of the same budget is
 * in pool.ts (#work ends a direct pool's plain job itself): with both, the
 * worker loop inlines every call it makes per job, the channel's Waiter
 * constructor included, which out of line had cost about 136 a job.
 */
export class Metrics {
  /** Jobs accepted: `'added'`. */
  submitted = 0;
  /** Handlers called. */
  started = 0;
  /** Handlers returned in time. */
  completed = 0;
  /** Handlers threw or rejected, or their context ended. */
  failed = 0;
  /** Stored failures that will run again. */
  retried = 0;
  /** Stored failures that were the last attempt. */
  dead = 0;
  /** Jobs cut off by a shutdown. */
  cutOff = 0;
  /** Jobs refused because the pool was closed. */
  refused = 0;
  /** One job in how many is timed; 0: none. */
  readonly sampleEvery: number;
  /** Submits until the next sampled one; stays 0 when sampling is off. */
  #countdown: number;
  /** With a store: starts until the next job timed for its run alone (one whose submit this pool did not see). */
  #startCountdown: number;
  readonly #queueWait: Tally;
  readonly #run: Tally;
  /** Per worker (by id): when its sampled job's handler was called; NaN while its job is not sampled. */
  readonly #since: Float64Array;
  /** How many workers run a timed job (their #since is not NaN): while 0, a job's end reads nothing else. */
  #timing = 0;
  /** With a store: the submit times of sampled jobs waiting in it, by id; set when the submit is called, taken at start. */
  readonly #due = new Map<string, number>();
  /** Without a store or an observer: the submit times of sampled jobs in the queue, by the job object; taken at start. */
  readonly #dueOf = new Map<object, number>();

  constructor(workers: number, { sampleEvery, buckets }: { sampleEvery: number; buckets: readonly number[] }) {
    this.sampleEvery = sampleEvery;
    this.#countdown = sampleEvery;
    this.#startCountdown = sampleEvery;
    this.#queueWait = new Tally(buckets);
    this.#run = new Tally(buckets);
    this.#since = new Float64Array(workers + 1).fill(NaN);
  }

  /** sample says whether the job being submitted now is timed: every sampleEvery-th. */
  sample(): boolean {
    if (this.#countdown === 0 || --this.#countdown !== 0) return false;
    this.#countdown = this.sampleEvery;
    return true;
  }

  /** sampleJob: `job` is being submitted (no store, no observer); if it is the sampleEvery-th, keeps its submit time. Returns whether. */
  sampleJob(job: object): boolean {
    return this.#countdown !== 0 && --this.#countdown === 0 && this.keep(job);
  }

  /** @internal The sampleEvery-th submit: `job`'s submit time is kept (unless the map is full or holds it), and the count starts again. */
  keep(job: object): boolean {
    this.#countdown = this.sampleEvery;
    if (this.#dueOf.size >= MAX_TRACKED || this.#dueOf.has(job)) return false;
    this.#dueOf.set(job, now());
    return true;
  }

  /** forget gives a sample back: the sampled `job` did not get in (no room for trySubmit, withdrawn, refused), so the next submit is timed. */
  forget(job: object): void {
    this.#dueOf.delete(job);
    if (this.sampleEvery !== 0) this.#countdown = 1;
  }

  /** added counts an accepted job: a submit's `.then`. Bound, so that no closure is made per submit. */
  readonly added = (): SubmitResult => {
    this.submitted++;
    return 'added';
  };

  /** closed turns a send rejected because the channel closed under it (the pool began shutting down while the submit waited) into a refusal. Bound, as `added`. */
  readonly closed = (error: unknown): never => {
    if (!(error instanceof ClosedChannelError)) throw error;
    this.refused++;
    throw new PoolClosedError('Cannot submit the job: the pool began shutting down while the submit waited');
  };

  /** counted counts a send that waited for room once it resolves (as accepted) or rejects (as refused, if the pool closed under it). */
  counted(sending: Promise<void>): Promise<SubmitResult> {
    return sending.then(this.added, this.closed);
  }

  /**
   * storedSubmit counts a submit into a store once it resolves, and for a
   * sampled one keeps its time by id from the call on (the job reaches a
   * worker as a copy, through the store, possibly before the submit's
   * promise settles). A second submit of an id that waits keeps the
   * first's time; a duplicate or failed one is forgotten. A refusal of a
   * closed pool counts as refused.
   */
  storedSubmit(id: string, submitting: Promise<SubmitResult>): Promise<SubmitResult> {
    const tracked = this.sample() && !this.#due.has(id);
    if (tracked) {
      if (this.#due.size >= MAX_TRACKED) this.#due.delete(this.#due.keys().next().value as string);
      this.#due.set(id, now());
    }
    return submitting.then(
      (result) => {
        if (result === 'added') this.submitted++;
        else if (tracked) this.#due.delete(id);
        return result;
      },
      (error: unknown) => {
        if (tracked) this.#due.delete(id);
        if (error instanceof PoolClosedError) this.refused++;
        throw error;
      },
    );
  }

  /**
   * forgetIfRefused gives the sample of a submit that waited back if it
   * rejects. A method of its own, so that the pool's submit holds no
   * closure: one would make every submit allocate a context.
   */
  forgetIfRefused<R>(job: object, sending: Promise<R>): Promise<R> {
    return sending.catch((error: unknown) => {
      this.forget(job);
      throw error;
    });
  }

  /** start: a worker calls a handler; `due` is a sampled job's submit time, else NaN. */
  start(workerId: number, due: number): void {
    this.started++;
    if (due === due) this.#timeFrom(workerId, due);
  }

  /**
   * startJob: `worker` calls the handler of `job`, which came as itself (no
   * store, no observer): timed if it was sampled. It takes the worker, not
   * its id, so that the call in the worker loop reads no field for it (5
   * bytes of the loop's inlining budget).
   */
  startJob(worker: { readonly id: number }, job: object): void {
    this.started++;
    if (this.#dueOf.size !== 0) this.startKept(worker.id, job);
  }

  /** @internal startJob's part while sampled jobs wait: is this one of them? Public only to keep startJob() small. */
  startKept(workerId: number, job: object): void {
    const due = this.#dueOf.get(job);
    if (due === undefined) return;
    this.#dueOf.delete(job);
    this.#timeFrom(workerId, due);
  }

  /** startStored: a worker calls a stored job's handler: timed if its submit was sampled here, or, for one this pool did not see submitted, one in sampleEvery. */
  startStored(workerId: number, id: string): void {
    const due = this.#due.size === 0 ? undefined : this.#due.get(id);
    if (due !== undefined) {
      this.#due.delete(id);
      this.start(workerId, due);
      return;
    }
    this.started++;
    if (this.#startCountdown !== 0 && --this.#startCountdown === 0) {
      this.#startCountdown = this.sampleEvery;
      this.#timeRun(workerId, now());
    }
  }

  /** A sampled job submitted at `due` starts now on worker `workerId`: its queue wait is recorded, its run timed. */
  #timeFrom(workerId: number, due: number): void {
    const started = now();
    this.#timeRun(workerId, started);
    this.#queueWait.record(Math.max(0, started - due) / 1000);
  }

  /** Worker `workerId`'s job, started at `started`, is timed: end() records its run. */
  #timeRun(workerId: number, started: number): void {
    const since = this.#since[workerId]!;
    if (since !== since) this.#timing++;
    this.#since[workerId] = started;
  }

  /**
   * end: a worker's handler has settled. A sampled job's run is recorded,
   * unless the shutdown cut it off (`cut`) or has reported (`clear`): those
   * runs are in no count. (24 bytes of bytecode: always inlined; a private
   * method's brand check would make it 33.)
   */
  end(workerId: number): void {
    if (this.#timing !== 0) this.endTimed(workerId);
  }

  /** @internal end's part while some worker runs a timed job: is it this one's? Public only to keep end() small. */
  endTimed(workerId: number): void {
    const since = this.#since[workerId]!;
    if (since !== since) return;
    this.#untime(workerId);
    this.#run.record(Math.max(0, now() - since) / 1000);
  }

  /** cut: the shutdown cut off worker `workerId`'s job; its run, if timed, is not recorded. */
  cut(workerId: number): void {
    const since = this.#since[workerId]!;
    if (since === since) this.#untime(workerId);
  }

  /** Worker `workerId`'s job is no longer timed. */
  #untime(workerId: number): void {
    this.#since[workerId] = NaN;
    this.#timing--;
  }

  /** read is the snapshot `pool.metrics()` returns. */
  read(): PoolMetrics {
    const { submitted, started, completed, failed, retried, dead, cutOff, refused, sampleEvery } = this;
    return { submitted, started, completed, failed, retried, dead, cutOff, refused, queueWait: this.#queueWait.read(), run: this.#run.read(), sampleEvery };
  }

  /** clear forgets the submit times kept and the runs being timed (at the shutdown's report: what ends later counts nowhere). */
  clear(): void {
    this.#due.clear();
    this.#dueOf.clear();
    this.#since.fill(NaN);
    this.#timing = 0;
  }
}

/**
 * resolveMetrics checks the `metrics` option and applies its defaults.
 * @throws TypeError or RangeError naming the option and the value received.
 */
export function resolveMetrics(options: MetricsOptions | undefined): { sampleEvery: number; buckets: readonly number[] } {
  if (options === undefined) return { sampleEvery: DEFAULT_SAMPLE_EVERY, buckets: DEFAULT_BUCKETS };
  if (typeof options !== 'object' || options === null) throw new TypeError(`Expected \`metrics\` to be an object, got ${describe(options)}`);
  const { sampleEvery = DEFAULT_SAMPLE_EVERY, buckets = DEFAULT_BUCKETS } = options;
  if (typeof sampleEvery !== 'number' || !Number.isSafeInteger(sampleEvery) || sampleEvery < 0) {
    throw new (typeof sampleEvery === 'number' ? RangeError : TypeError)(
      `Expected \`metrics.sampleEvery\` to be a non-negative integer (0: no timings), got ${describe(sampleEvery)}`,
    );
  }
  if (!Array.isArray(buckets) || buckets.length === 0 || !buckets.every((bound, i) => typeof bound === 'number' && bound > 0 && Number.isFinite(bound) && (i === 0 || bound > buckets[i - 1]!))) {
    throw new RangeError(`Expected \`metrics.buckets\` to be increasing finite positive numbers of seconds, got ${describe(buckets)}`);
  }
  return { sampleEvery, buckets: Object.freeze([...buckets]) };
}
