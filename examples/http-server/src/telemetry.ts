import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { textLog, type Log } from './log.js';
import { TASK_BUCKETS, TaskTally, exposeTaskMetrics, type TaskMetrics } from './task-metrics.js';

/*
 * Telemetry is what the server tells about its tasks: the workers' lines
 * (through the Log, as text or JSON), the Prometheus metrics of `GET
 * /metrics`, and the recent history the dashboard draws. Every version of
 * the pool reports its tasks' moves here, for the lines. The task counts
 * and timings are the pool's own where it keeps them (`@gochan/pool`'s
 * metrics(), read through the view), else a tally of those moves (the
 * hand-built pool). Everything is read when scraped, so nothing is polled
 * in between but the dashboard's one sample a second.
 *
 * Invariants:
 *  - The counters count this process's tasks since it started: each task a
 *    worker ends is counted once, completed or failed (a task cut off by a
 *    shutdown is neither, as the pool has it).
 *  - The history holds at most HISTORY_SECONDS samples, one a second, oldest
 *    first.
 */

/** HISTORY_SECONDS is how far back the dashboard's chart goes: five minutes, one sample a second. */
export const HISTORY_SECONDS = 300;

export { TASK_BUCKETS, type TaskMetrics } from './task-metrics.js';

/** Sample is one second of the dashboard's chart. */
export interface Sample {
  /** When it was taken, in milliseconds since the epoch. */
  t: number;
  /** The queue depth: tasks waiting for a worker (in a store, its waiting tasks). */
  queued: number;
  /** Workers busy. */
  busy: number;
  /** Requests waiting for room in the queue (backpressure). */
  waiting: number;
  /** Tasks completed by this process so far (the chart's throughput is its difference from the last sample). */
  completed: number;
  /** Tasks failed in this process so far. */
  failed: number;
}

/** PoolView is what the telemetry reads of the pool and the server at a scrape or a sample. */
export interface PoolView {
  /** The pool's stats, as `GET /stats` shows them. */
  stats(): ViewStats;
  /** Requests waiting for room in the queue now (backpressure). */
  waiting(): number;
  /** How long the oldest of them has waited, in milliseconds; 0 when none waits. */
  oldestWaitMs(): number;
  /** Connections open now. */
  connections(): number;
  /** The pool's own task counts and timings, where it keeps them; without it the telemetry tallies the moves it is told of. */
  metrics?: (() => TaskMetrics) | undefined;
}

/** ViewStats is the part of a pool's stats the telemetry shows: both versions of the pool have it. */
export interface ViewStats {
  queued: number;
  active: number;
  workers?: { id: number; state: string; jobId?: string; taskId?: string }[];
  store?: { waiting: number; running?: number; completed?: number; failed?: number; dead?: number };
}

/** What a worker says when it takes a task. */
export interface Started {
  worker: number;
  id: string;
  /** How long the task waited for a worker, when known. */
  queueWaitMs?: number | undefined;
  /** Which attempt this is, for a stored task run again. */
  attempt?: number | undefined;
}

/** What a worker says when its task has ended. */
export interface Ended extends Started {
  /** How long the task ran. */
  runMs: number;
}

/**
 * Telemetry collects what the server tells about its tasks: the workers'
 * lines, the metrics and the dashboard's history. One per app: its
 * registry is its own, so that apps in one process (the tests) do not mix.
 */
export class Telemetry {
  /** Telemetry.registry holds the metrics `GET /metrics` shows. */
  readonly registry: Registry = new Registry();
  /** Telemetry.log is where the lines go. */
  readonly log: Log;
  readonly #shed: Counter;
  readonly #backpressureWait: Histogram;
  /** What the moves told here add up to: read when the pool keeps no metrics of its own. */
  readonly #tally = new TaskTally();
  /** The last HISTORY_SECONDS samples, oldest first. */
  readonly history: Sample[] = [];
  /** Told of each new sample (the dashboard's open streams). */
  readonly #listeners = new Set<(sample: Sample) => void>();
  #view: PoolView | undefined = undefined;
  #sampler: ReturnType<typeof setInterval> | undefined = undefined;

  constructor(log: Log = textLog) {
    this.log = log;
    const registers = [this.registry];
    // The process's own: CPU, memory, event-loop delay, and open file descriptors against their limit.
    collectDefaultMetrics({ register: this.registry });
    exposeTaskMetrics(this.registry, () => this.#metrics());
    this.#shed = new Counter({
      name: 'gochan_http_connections_shed_total',
      help: 'Connections the server closed to protect itself: over MAX_CONNECTIONS, or past a header or request timeout.',
      labelNames: ['reason'],
      registers,
    });
    this.#backpressureWait = new Histogram({
      name: 'gochan_backpressure_wait_seconds',
      help: 'How long a GET /task/{id} waited for room in the full queue before its answer.',
      buckets: [...TASK_BUCKETS],
      registers,
    });
    const view = (): PoolView => {
      if (this.#view === undefined) throw new Error('Telemetry: no pool to read yet (watch() was not called)');
      return this.#view;
    };
    const gauge = (name: string, help: string, read: () => number): void => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    };
    gauge('gochan_queue_depth', 'Tasks waiting for a worker: in the queue, or in a store its waiting tasks (every process’s).', () => depth(view().stats()));
    gauge('gochan_requests_waiting', 'Requests waiting for room in the full queue (backpressure).', () => view().waiting());
    gauge('gochan_requests_waiting_oldest_seconds', 'How long the oldest request waiting for room has waited; 0 when none waits.', () => view().oldestWaitMs() / 1000);
    gauge('gochan_workers', 'Workers in the pool.', () => view().stats().workers?.length ?? 0);
    gauge('gochan_workers_busy', 'Workers running a task.', () => view().stats().active);
    gauge('gochan_http_connections', 'HTTP connections open.', () => view().connections());
    new Gauge({
      name: 'gochan_store_tasks',
      help: 'With a durable store: its tasks by state, as this process last saw them (every process’s).',
      labelNames: ['state'],
      registers,
      collect() {
        const store = view().stats().store;
        if (store === undefined) return;
        for (const state of ['waiting', 'running', 'completed', 'failed', 'dead'] as const) {
          const value = store[state];
          if (value !== undefined) this.set({ state }, value);
        }
      },
    });
  }

  /**
   * watch starts reading `view` at each scrape and each second for the
   * dashboard's history. The sampler never keeps the process alive.
   */
  watch(view: PoolView): void {
    this.#view = view;
    this.#sample();
    this.#sampler = setInterval(() => this.#sample(), 1_000);
    this.#sampler.unref();
  }

  /** stop ends the sampling (at shutdown). */
  stop(): void {
    clearInterval(this.#sampler);
  }

  /** onSample calls `listener` with each new sample until the returned function is called. */
  onSample(listener: (sample: Sample) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** totals are this process's counts of completed, failed, retried and dead tasks. */
  totals(): { completed: number; failed: number; retried: number; dead: number } {
    const { completed, failed, retried, dead } = this.#metrics();
    return { completed, failed, retried, dead };
  }

  /** The task counts and timings: the pool's own, or the tally of the moves told here. */
  #metrics(): TaskMetrics {
    return this.#view?.metrics?.() ?? this.#tally.read();
  }

  /** Whether the tally counts: the pool keeps no metrics of its own. */
  get #tallies(): boolean {
    return this.#view?.metrics === undefined;
  }

  /** submitted: a request's task was accepted, after `waitedMs` waiting for room. */
  submitted(waitedMs: number): void {
    this.#tally.submitted++;
    this.#backpressureWait.observe(waitedMs / 1000);
  }

  /** processing: a worker took a task. Prints the article's `Worker {n} processing task ID {id}`. */
  processing({ worker, id, queueWaitMs, attempt }: Started): void {
    if (queueWaitMs !== undefined && this.#tallies) this.#tally.wait(queueWaitMs);
    const again = attempt !== undefined && attempt > 1 ? ` (attempt ${attempt})` : '';
    this.log.info(`Worker ${worker} processing task ID ${id}${again}`, { event: 'start', jobId: id, worker, attempt, queueWaitMs: round(queueWaitMs) });
  }

  /** finished: a task completed. Prints `Worker {n} finished task ID {id}`. */
  finished({ worker, id, queueWaitMs, runMs, attempt }: Ended): void {
    if (this.#tallies) {
      this.#tally.completed++;
      this.#tally.ran(runMs);
    }
    this.log.info(`Worker ${worker} finished task ID ${id}`, { event: 'finish', jobId: id, worker, attempt, queueWaitMs: round(queueWaitMs), runMs: round(runMs) });
  }

  /** cancelled: a task stopped because its context ended. Prints `Worker {n} cancelled task ID {id}: {reason}`; counts nothing (the pool decides whether it failed). */
  cancelled({ worker, id, runMs, attempt }: Ended, reason: string): void {
    this.log.info(`Worker ${worker} cancelled task ID ${id}: ${reason}`, { event: 'cancel', jobId: id, worker, attempt, runMs: round(runMs), reason });
  }

  /**
   * failed: a task failed. Counts it (and, with a store, a `'dead'` fate);
   * prints `Worker {n} failed task ID {id}: {reason}` when `print`.
   */
  failed({ worker, id, runMs, queueWaitMs, attempt }: Ended, reason: string, fate: 'retry' | 'dead' | undefined, print: boolean): void {
    if (this.#tallies) {
      this.#tally.failed++;
      this.#tally.ran(runMs);
      if (fate === 'dead') this.#tally.dead++;
    }
    if (print) {
      this.log.info(`Worker ${worker} failed task ID ${id}: ${reason}`, {
        event: 'fail',
        jobId: id,
        worker,
        attempt,
        queueWaitMs: round(queueWaitMs),
        runMs: round(runMs),
        reason,
        fate,
      });
    }
  }

  /** retried: a stored task that failed will run again in `delayMs`. */
  retried(): void {
    if (this.#tallies) this.#tally.retried++;
  }

  /** shed: the server closed a connection to protect itself, for `reason` (`max-connections`, `timeout`). */
  shed(reason: string, count = 1): void {
    this.#shed.inc({ reason }, count);
  }

  /** current is a sample of now, not kept in the history (a dashboard that connects between two samples starts from it). */
  current(): Sample {
    const view = this.#view!;
    const stats = view.stats();
    const { completed, failed } = this.#metrics();
    return { t: Date.now(), queued: depth(stats), busy: stats.active, waiting: view.waiting(), completed, failed };
  }

  #sample(): void {
    const sample = this.current();
    this.history.push(sample);
    if (this.history.length > HISTORY_SECONDS) this.history.shift();
    for (const listener of this.#listeners) listener(sample);
  }
}

/** The queue depth: a store's waiting tasks, else the channel's. */
function depth(stats: ViewStats): number {
  return stats.store?.waiting ?? stats.queued;
}

/** Milliseconds to a tenth, for the logs. */
function round(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.round(ms * 10) / 10;
}
