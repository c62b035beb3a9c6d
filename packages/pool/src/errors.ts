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

/** StoreUnavailableReason says why a store could not take a write (Go would use sentinel errors, one per reason): see {@link StoreUnavailableError}. */
export type StoreUnavailableReason = 'offline' | 'stalled' | 'withdrawn' | 'full' | 'busy';

/**
 * StoreUnavailableError is a store's answer to a write it could not make in
 * time and did not make: the job (or the batch it travelled in) is not
 * stored, and never will be from this call, so a submit that rejects with it
 * may be retried as new (an HTTP server answers `503` with `Retry-After`).
 * Go's `database/sql` has no such promise: a timed-out `ExecContext` may
 * still commit. Every store of this repository rejects with it, and only
 * with it, when it is sure:
 *  - `'offline'`: the store could not be reached; nothing was sent.
 *  - `'stalled'`: the store has not answered earlier commands in time;
 *    nothing was sent.
 *  - `'withdrawn'`: sent, but the connection was lost before the answer;
 *    the store has since confirmed that it had not run it, and made sure it
 *    never will.
 *  - `'full'`: the disk is full; the transaction was rolled back.
 *  - `'busy'`: another writer held the lock past the busy timeout; the
 *    transaction was rolled back.
 */
export class StoreUnavailableError extends Error {
  /** Why the write was not made. */
  readonly reason: StoreUnavailableReason;
  /** Always false: what was refused was not stored, and will not be. */
  readonly stored = false;
  /** A wait, in milliseconds, after which trying again may succeed (an HTTP `Retry-After`, rounded up to seconds). */
  readonly retryAfterMs: number;

  /**
   * @param message - What was not stored, and why.
   * @param reason - See {@link StoreUnavailableReason}.
   * @param options - `retryAfterMs` (default 1000), `cause`: the engine's error.
   */
  constructor(message: string, reason: StoreUnavailableReason, options: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StoreUnavailableError';
    this.reason = reason;
    this.retryAfterMs = options.retryAfterMs ?? 1_000;
  }
}
