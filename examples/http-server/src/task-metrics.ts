import type { Registry } from 'prom-client';

/*
 * The task metrics of `GET /metrics`, read when scraped: counters and two
 * histograms of task times, in the shape `@gochan/pool`'s `metrics()`
 * returns (Go's runtime/metrics: plain counters, and histograms as
 * `metrics.Float64Histogram`). The pool version reads them from the pool,
 * which keeps them itself; the hand-built pool, which has none, gets a
 * TaskTally that its workers' lines feed. Either way nothing is computed
 * per task for Prometheus: prom-client calls `get()` at the scrape, as a
 * collect() would.
 */

/** TASK_BUCKETS are the histograms' boundaries, in seconds: tasks here take from milliseconds (tests) to minutes (TASK_MS), and may wait as long. */
export const TASK_BUCKETS: readonly number[] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/** Histogram is Go's `metrics.Float64Histogram` with a sum: `counts[i]` values in `[buckets[i], buckets[i + 1])`, in seconds. */
export interface Histogram {
  counts: readonly number[];
  buckets: readonly number[];
  sum: number;
}

/** TaskMetrics are this process's task counts since it started, and the histograms of the timed ones. */
export interface TaskMetrics {
  /** Tasks accepted (`added`). */
  submitted: number;
  completed: number;
  /** Each failed attempt of a stored task counts. */
  failed: number;
  retried: number;
  dead: number;
  queueWait: Histogram;
  run: Histogram;
}

/** TaskTally counts what the hand-built pool's workers tell the telemetry: every task, timed. */
export class TaskTally {
  submitted = 0;
  completed = 0;
  failed = 0;
  retried = 0;
  dead = 0;
  readonly #queueWait = { counts: new Array<number>(TASK_BUCKETS.length + 1).fill(0), sum: 0 };
  readonly #run = { counts: new Array<number>(TASK_BUCKETS.length + 1).fill(0), sum: 0 };

  /** wait records a task's queue wait, in milliseconds. */
  wait(ms: number): void {
    record(this.#queueWait, ms / 1000);
  }

  /** ran records a task's run time, in milliseconds. */
  ran(ms: number): void {
    record(this.#run, ms / 1000);
  }

  /** read is a snapshot, in TaskMetrics' shape. */
  read(): TaskMetrics {
    const { submitted, completed, failed, retried, dead } = this;
    const buckets = [0, ...TASK_BUCKETS, Infinity];
    const copy = ({ counts, sum }: { counts: number[]; sum: number }): Histogram => ({ counts: [...counts], buckets, sum });
    return { submitted, completed, failed, retried, dead, queueWait: copy(this.#queueWait), run: copy(this.#run) };
  }
}

function record(histogram: { counts: number[]; sum: number }, seconds: number): void {
  let i = 0;
  while (i < TASK_BUCKETS.length && seconds >= TASK_BUCKETS[i]!) i++;
  histogram.counts[i]!++;
  histogram.sum += seconds;
}

/** One line of a metric, as prom-client's registry prints it. */
interface Line {
  value: number;
  labels?: Record<string, string | number>;
  metricName?: string;
}

/**
 * exposeTaskMetrics registers the task metrics in `registry`, each read
 * from `read()` when scraped: the counters `gochan_tasks_*_total` and the
 * histograms `gochan_task_queue_wait_seconds`, `gochan_task_run_seconds`.
 * A histogram's `le` buckets are the upper boundaries, cumulative (a
 * value equal to a boundary falls above it here, below it in prom-client's
 * own; for measured times the difference does not occur in practice).
 */
export function exposeTaskMetrics(registry: Registry, read: () => TaskMetrics): void {
  // A metric prom-client's registry prints by calling its get() at each scrape.
  const register = (name: string, help: string, type: 'counter' | 'histogram', values: (metrics: TaskMetrics) => Line[]): void => {
    const metric = { name, help, type, get: () => ({ name, help, type, aggregator: 'sum', values: values(read()) }) };
    registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
  };
  const counter = (field: 'submitted' | 'completed' | 'failed' | 'retried' | 'dead', help: string): void =>
    register(`gochan_tasks_${field}_total`, help, 'counter', (metrics) => [{ value: metrics[field] }]);
  counter('submitted', 'Tasks accepted by GET /task/{id} (answered 200 as added).');
  counter('completed', 'Tasks completed by this process.');
  counter('failed', 'Tasks failed in this process (each failed attempt of a stored task counts).');
  counter('retried', 'Failed stored tasks that will run again after their backoff.');
  counter('dead', 'Stored tasks that failed their last attempt here and are kept as dead.');
  const histogram = (name: string, help: string, field: 'queueWait' | 'run'): void =>
    register(name, help, 'histogram', (metrics) => prometheusHistogram(name, metrics[field]));
  histogram('gochan_task_queue_wait_seconds', 'How long a timed task waited for a worker.', 'queueWait');
  histogram('gochan_task_run_seconds', 'How long a timed task ran, completed or failed.', 'run');
}

/** A Go-shaped histogram as Prometheus' lines: cumulative `_bucket`s by upper boundary, `_sum`, `_count`. */
function prometheusHistogram(name: string, { counts, buckets, sum }: Histogram): Line[] {
  const lines: Line[] = [];
  let cumulative = 0;
  for (let i = 0; i < counts.length; i++) {
    cumulative += counts[i]!;
    const upper = buckets[i + 1]!;
    lines.push({ metricName: `${name}_bucket`, labels: { le: upper === Infinity ? '+Inf' : upper }, value: cumulative });
  }
  lines.push({ metricName: `${name}_sum`, value: sum }, { metricName: `${name}_count`, value: cumulative });
  return lines;
}
