/**
 * PoolClosedError is the error of a job the pool would not take or could not
 * finish because it is shutting down: `submit` and `run` after `shutdown()`
 * began or the pool's parent context was cancelled, and `run` for a job the
 * shutdown left unfinished. Go's pool has no such error: sending on its
 * closed jobs channel panics.
 */
export class PoolClosedError extends Error {
  /**
   * @param message - What was refused and why, naming the job.
   * @param options - `cause`: the context error, when the pool's context was cancelled.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PoolClosedError';
  }
}

/**
 * LeaseLostError is the cause with which a stored job's context is
 * cancelled (Go's `context.WithCancelCause`) when the pool finds that its lease was lost: the renewal came
 * too late (the process stalled), and another claimer may be running the
 * job. Whatever the handler does next is not recorded: the job's outcome is
 * the new claimer's.
 */
export class LeaseLostError extends Error {
  /** @param message - Which job lost its lease. */
  constructor(message: string) {
    super(message);
    this.name = 'LeaseLostError';
  }
}
