import type { Job } from './job.js';
import type { FeedStats } from './store-feed.js';
import type { StoreCounts } from './store.js';
import type { Worker, WorkerState } from './worker.js';

/** WorkerStats is one worker's line in {@link PoolStats}: the Go `Worker` struct's ID, and what it is doing. */
export interface WorkerStats {
  /** The worker's id, from 1. */
  id: number;
  /** What it is doing. */
  state: WorkerState;
  /** The id of the job it runs, while busy. */
  jobId?: string;
}

/**
 * PoolStats is a snapshot of the pool's counters: what the second article
 * calls watching the execution state of the tasks, which its Go pool leaves
 * to logs. Every counter is kept as
 * the jobs move, so a snapshot costs one line per worker and nothing per job.
 */
export interface PoolStats {
  /** Jobs in the queue (the channel's buffer), waiting for a worker. */
  queued: number;
  /** Jobs whose handler is running. Never more than `workers`. */
  active: number;
  /** Jobs whose handler returned, in time. */
  completed: number;
  /** Jobs whose handler threw or rejected, or whose context was cancelled or past its deadline. */
  failed: number;
  /** Each worker's state, in id order. */
  workers: WorkerStats[];
  /**
   * With a store: the store's jobs by state (every process's, as this one
   * last saw them), and this pool's dealings with it.
   */
  store?: StoreStats;
}

/** StoreStats is the store's part of {@link PoolStats}. */
export interface StoreStats extends StoreCounts, FeedStats {
  /** The store's own counters, where it has them ({@link Store.stats}). */
  engine?: object;
}

/**
 * ShutdownReport is what {@link WorkerPool.shutdown} resolves with (Go's
 * `wg.Wait()` in a select says nothing of the sort): whether
 * the timeout cut the wait short, the jobs that did not finish, and the
 * final counters. Every job the pool took is counted once: in `completed`,
 * in `failed`, or listed in `unfinished`.
 */
export interface ShutdownReport<P> {
  /** True if the timeout passed while workers were still running jobs or the queue still held some. */
  timedOut: boolean;
  /**
   * The jobs that did not finish: `cutOff`, then `notStarted`. They are
   * counted neither completed nor failed; with a store they went back to it,
   * ready for the next process.
   */
  unfinished: Job<P>[];
  /**
   * The jobs whose handler was still running when the timeout passed (or the
   * parent context was cancelled): their context was cancelled, and whatever
   * the handler did then (returned, threw, or ignored the cancellation) does
   * not count.
   */
  cutOff: Job<P>[];
  /** The jobs never started: left in the queue, in queue order. */
  notStarted: Job<P>[];
  /** The counters when the report was made. */
  stats: PoolStats;
}

/** workerStats is each worker's line of {@link PoolStats}, in id order. */
export function workerStats(workers: readonly Worker[]): WorkerStats[] {
  const lines: WorkerStats[] = [];
  for (const { id, state, job } of workers) lines.push(job === undefined ? { id, state } : { id, state, jobId: job.id });
  return lines;
}
