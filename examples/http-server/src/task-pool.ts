import type { TaskMetrics } from './task-metrics.js';

/**
 * TaskPool is what the HTTP server needs of a worker pool, and all it knows
 * of one: queue a task by id, show the pool's state, shut it down. The
 * article's `WorkerPool` is adapted to it in `app.ts`; the other version of
 * the server adapts `@gochan/pool`'s, in memory or on a durable store.
 */
export interface TaskPool {
  /**
   * submit queues the task `id` (Go: `taskQueue <- task`). While the queue
   * is full it waits (backpressure); aborting `signal` meanwhile withdraws
   * the task: it is never queued, and the promise rejects. On a durable
   * store it resolves only once the task is stored.
   *
   * @returns 'added', or 'duplicate' when a task of that id is already
   *   queued or running (a store's check: nothing was added).
   * @throws (as a rejection) an error that `isClosedError` recognizes once
   *   shutdown has begun, including for a submit that was waiting.
   */
  submit(id: string, signal: AbortSignal): Promise<'added' | 'duplicate'>;
  /** isClosedError says whether `error`, from `submit`, means the pool is shutting down (the request gets 503). */
  isClosedError(error: unknown): boolean;
  /** stats is the pool's state as `GET /stats` shows it: at least what is queued and what is running, and a store's counts. */
  stats(): { queued: number; active: number; store?: { waiting: number } };
  /**
   * metrics are the pool's own task counts and timings, read at each
   * scrape, where it keeps them (`@gochan/pool` does); without them the
   * telemetry counts the moves the workers tell it of.
   */
  metrics?(): TaskMetrics;
  /**
   * shutdown accepts no more tasks and lets the workers finish the queue;
   * past `timeoutMs` it cancels the tasks left and reports them. The server
   * calls it once.
   */
  shutdown(timeoutMs: number): Promise<ShutdownReport>;
}

/** ShutdownReport says how a shutdown ended. */
export interface ShutdownReport {
  /** True when the workers were still busy when the time was up. */
  timedOut: boolean;
  /** The ids of the tasks cut off: running when the time was up, and cancelled. */
  cutOff: string[];
  /** The ids of the tasks never started: still queued when the time was up. */
  notStarted: string[];
  /** True when the tasks in the two lists went back to a durable store, for the next start to run. */
  keptInStore: boolean;
}
