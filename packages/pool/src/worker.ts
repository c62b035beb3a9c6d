import type { Job } from './job.js';

/**
 * WorkerState is what a worker is doing: waiting for a job (in Go, a
 * goroutine blocked on `range jobs`), running one, or stopped for good
 * after shutdown.
 */
export type WorkerState = 'idle' | 'busy' | 'stopped';

/**
 * Worker is one of the pool's workers, the second article's Go `Worker` struct: an
 * id (from 1) and the loop that ranges over the jobs channel. The pool hands
 * it to the handler, for logs; its fields change as it works.
 */
export interface Worker<P = unknown> {
  /** The worker's number, 1 to `workers`, fixed. */
  readonly id: number;
  /** `'busy'` from the moment it takes a job until the job's handler returns; `'stopped'` once its loop has ended. */
  readonly state: WorkerState;
  /** The job it runs while `'busy'`, else undefined. */
  readonly job: Job<P> | undefined;
}

/** The pool's own, writable view of a worker. */
export class PoolWorker<P> implements Worker<P> {
  /** Set by the worker loop only. */
  state: WorkerState = 'idle';
  /** Set when the loop takes a job, cleared when the job's handler has returned. */
  job: Job<P> | undefined = undefined;

  constructor(readonly id: number) {}
}
