// Contexts with a deadline: Go's timerCtx, WithDeadline and WithTimeout.
import { describe } from '@gochan/channel';
import { CancelContext, withCancel } from './cancel-context.js';
import { clearTimer, setTimer, wallNow, type TimerHandle } from './clock.js';
import { assertParent, type CancelFunc, type Context } from './context.js';
import { Canceled, DeadlineExceeded } from './errors.js';
import { nameOf, parentOf } from './tree.js';

/**
 * The longest delay setTimeout holds: longer ones fire at once. A deadline
 * further away is reached through a chain of timers of at most this length.
 */
const MAX_DELAY = 2 ** 31 - 1;

/** DeadlineContext is a CancelContext that a timer cancels at its deadline. */
class DeadlineContext extends CancelContext {
  /** The deadline, in milliseconds since the epoch; earlier than any ancestor's. */
  readonly #deadline: number;
  /** The cause recorded when the deadline passes: DeadlineExceeded unless withDeadlineCause gave one. */
  readonly #expiredCause: unknown;
  /** The pending timer; undefined once cancelled (stop() clears it) or before arm(). */
  #timer: TimerHandle | undefined;

  constructor(parent: Context, deadline: number, expiredCause: unknown) {
    super(parent);
    this.#deadline = deadline;
    this.#expiredCause = expiredCause;
  }

  /**
   * arm sets the timer, or expires the context now if the deadline has
   * passed. A timer never fires early: when it fires, the clock is read
   * again, and what is left of a far deadline, or of a timer the clock
   * outran, gets a new timer.
   */
  arm(): void {
    if (this.err() !== undefined) return;
    const remaining = this.#deadline - wallNow();
    if (remaining <= 0) {
      this.#timer = undefined;
      this.cancel(DeadlineExceeded, this.#expiredCause);
      return;
    }
    this.#timer = setTimer(() => this.arm(), Math.min(remaining, MAX_DELAY));
  }

  override stop(): void {
    if (this.#timer !== undefined) {
      clearTimer(this.#timer);
      this.#timer = undefined;
    }
  }

  override deadline(): Date {
    return new Date(this.#deadline);
  }

  override toString(): string {
    const remaining = this.#deadline - wallNow();
    return `${nameOf(this[parentOf])}.WithDeadline(${new Date(this.#deadline).toISOString()} [${remaining}ms])`;
  }
}

/** toMilliseconds reads a deadline given as a Date or as milliseconds since the epoch. */
function toMilliseconds(deadline: Date | number): number {
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  if (typeof ms !== 'number' || Number.isNaN(ms)) {
    const got = deadline instanceof Date ? 'an invalid Date' : describe(deadline);
    throw new RangeError(`Expected \`deadline\` to be a Date or a number of milliseconds since the epoch, got ${got}`);
  }
  return ms;
}

/** checkTimeout validates a timeout in milliseconds. */
function checkTimeout(timeout: number): number {
  if (typeof timeout !== 'number' || Number.isNaN(timeout)) {
    throw new RangeError(`Expected \`timeout\` to be a number of milliseconds, got ${describe(timeout)}`);
  }
  return timeout;
}

/** deadlineContext is withDeadline and withDeadlineCause, once the arguments are checked. */
function deadlineContext(parent: Context, deadline: number, expiredCause: unknown): [Context, CancelFunc] {
  const current = parent.deadline();
  if (deadline === Infinity || (current !== undefined && current.getTime() <= deadline)) {
    // No deadline, or the parent's comes first: the parent's timer covers it.
    return withCancel(parent);
  }
  const ctx = new DeadlineContext(parent, deadline, expiredCause);
  ctx.link();
  ctx.arm();
  return [ctx, () => ctx.cancel(Canceled, Canceled)];
}

/**
 * withDeadline returns a copy of `parent` that is cancelled with
 * {@link DeadlineExceeded} when `deadline` passes, like Go's
 * `context.WithDeadline`; or sooner, with {@link Canceled}, when the
 * returned function is called, or with the parent's err() when the parent is
 * cancelled. A deadline in the past gives a context that is already expired.
 * If the parent's deadline is not later, the context keeps the parent's.
 *
 * Call the cancel function as soon as the work is done: that clears the
 * timer. Deadlines beyond what one `setTimeout` can hold are reached without
 * firing early.
 *
 * @param deadline - A `Date`, or milliseconds since the epoch as
 *   `Date.now()` returns; `Infinity` means no deadline.
 * @throws TypeError for a null parent; RangeError for an invalid Date or NaN.
 */
export function withDeadline(parent: Context, deadline: Date | number): [Context, CancelFunc] {
  assertParent(parent);
  return deadlineContext(parent, toMilliseconds(deadline), DeadlineExceeded);
}

/**
 * withDeadlineCause is {@link withDeadline}, but when the deadline passes
 * the context's cause is `cause` instead of DeadlineExceeded (err() is
 * still DeadlineExceeded), like Go's `context.WithDeadlineCause`. The
 * returned function cancels with Canceled and sets no cause.
 */
export function withDeadlineCause(parent: Context, deadline: Date | number, cause: unknown): [Context, CancelFunc] {
  assertParent(parent);
  return deadlineContext(parent, toMilliseconds(deadline), cause ?? DeadlineExceeded);
}

/**
 * withTimeout is `withDeadline(parent, Date.now() + timeout)`, Go's
 * `context.WithTimeout`: a copy of `parent` cancelled with
 * {@link DeadlineExceeded} after `timeout` milliseconds. A timeout of 0 or
 * less gives a context that is already expired; `Infinity`, one with no
 * deadline.
 *
 * @throws TypeError for a null parent; RangeError when `timeout` is not a
 *   number.
 * @example
 * ```ts
 * const [ctx, cancel] = withTimeout(background(), 50);
 * try {
 *   const response = await fetch('https://example.com/', { signal: ctx.signal });
 *   console.log(response.status);
 * } catch (error) {
 *   console.log(error === DeadlineExceeded ? 'too slow' : error);
 * } finally {
 *   cancel(); // clears the timer when fetch was faster
 * }
 * ```
 */
export function withTimeout(parent: Context, timeout: number): [Context, CancelFunc] {
  assertParent(parent);
  return deadlineContext(parent, wallNow() + checkTimeout(timeout), DeadlineExceeded);
}

/**
 * withTimeoutCause is {@link withTimeout} with the cause recorded when the
 * timeout passes, like Go's `context.WithTimeoutCause`.
 */
export function withTimeoutCause(parent: Context, timeout: number, cause: unknown): [Context, CancelFunc] {
  assertParent(parent);
  return deadlineContext(parent, wallNow() + checkTimeout(timeout), cause ?? DeadlineExceeded);
}
