import { describe, type RecvChannel } from '@gochan/channel';

/**
 * Context is Go's `context.Context`: it carries a cancellation signal, a
 * deadline and request-scoped values across API boundaries and between
 * asynchronous tasks.
 *
 * A context is cancelled once, for good: its {@link Context.done} channel
 * closes, {@link Context.err} says why, and its {@link Context.signal}
 * aborts with that error as its reason. Cancelling a context cancels every
 * context derived from it, in the same synchronous step.
 *
 * Any object with these members is a context, and can be the parent of the
 * contexts this package derives; the package's own contexts are cheaper to
 * derive from.
 */
export interface Context {
  /**
   * done returns a channel that is closed when this context is cancelled,
   * Go's `ctx.Done()`: receive from it in a `select` to stop waiting when
   * the work is cancelled. For a context that can never be cancelled
   * ({@link background}, {@link withoutCancel}), a channel that never closes.
   * Each call returns the same channel.
   */
  done(): RecvChannel<never>;
  /**
   * err returns `undefined` while the context is not cancelled, then
   * {@link Canceled} or {@link DeadlineExceeded} for good, Go's `ctx.Err()`.
   */
  err(): Error | undefined;
  /**
   * cause returns why the context was cancelled, Go's `context.Cause(ctx)`:
   * the value given to a {@link withCancelCause} cancel function or to
   * {@link withDeadlineCause}, inherited by every derived context; otherwise
   * the same as {@link Context.err}. `undefined` while not cancelled.
   */
  cause(): unknown;
  /**
   * deadline returns when the context will be cancelled by a timer, or
   * `undefined` if no deadline is set, Go's `ctx.Deadline()`.
   */
  deadline(): Date | undefined;
  /**
   * value returns the value associated with `key` by the nearest
   * {@link withValue} on the way up, or `undefined`, Go's `ctx.Value(key)`.
   * Keys are compared with `===`.
   */
  value<V = unknown>(key: unknown): V | undefined;
  /**
   * signal is an `AbortSignal` aborted when the context is cancelled, with
   * {@link Context.err} as its reason: hand it to `fetch`, `setTimeout`
   * wrappers, streams and anything else that takes a signal. Like Go's
   * `ctx.Done()`, it may have any number of listeners at once: on Node, the
   * signals of this package's contexts do not print Node's warning past 10
   * `abort` listeners, which a pool of many workers would reach without
   * leaking anything.
   */
  readonly signal: AbortSignal;
}

/**
 * CancelFunc cancels a context, Go's `context.CancelFunc`. Calls after the
 * first do nothing. Call it as soon as the work the context covers is done,
 * even if the context has a deadline: that releases the timer and unlinks
 * the context from its parent.
 */
export type CancelFunc = () => void;

/**
 * CancelCauseFunc cancels a context and records why, Go's
 * `context.CancelCauseFunc`. Without a cause (or with `undefined` or `null`)
 * the cause is {@link Canceled}. Calls after the first do nothing.
 */
export type CancelCauseFunc = (cause?: unknown) => void;

/**
 * cause returns why `ctx` was cancelled, Go's `context.Cause(ctx)`: the
 * cause given to the first cancel in its ancestry, or its
 * {@link Context.err} when none was given; `undefined` while `ctx` is not
 * cancelled. The same as `ctx.cause()`.
 *
 * @example
 * ```ts
 * const [ctx, cancel] = withCancelCause(background());
 * cancel(new Error('upstream closed'));
 * ctx.err();   // Canceled
 * cause(ctx);  // Error: upstream closed
 * ```
 */
export function cause(ctx: Context): unknown {
  if (ctx === null || typeof ctx !== 'object') {
    throw new TypeError(`Expected \`ctx\` to be a Context, got ${describe(ctx)}`);
  }
  // A foreign context may predate cause(): Go's Cause falls back to Err().
  return typeof ctx.cause === 'function' ? ctx.cause() : ctx.err();
}

/**
 * isContext reports whether `value` can serve as a Context: an object with
 * the methods of Go's `context.Context` interface (`done`, `err`,
 * `deadline`, `value`), whoever made it. As in Go, where any type with those
 * methods satisfies the interface, this checks the shape, not the class.
 * `cause` is not required (it came late to Go, in 1.20, and {@link cause}
 * falls back to `err()`).
 *
 * @example
 * ```ts
 * isContext(background()); // true
 * isContext(AbortSignal.timeout(10)); // false: use fromSignal(signal)
 * ```
 */
export function isContext(value: unknown): value is Context {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Partial<Record<keyof Context, unknown>>;
  return (
    typeof candidate.done === 'function' &&
    typeof candidate.err === 'function' &&
    typeof candidate.deadline === 'function' &&
    typeof candidate.value === 'function'
  );
}

/**
 * assertParent throws a TypeError unless `parent` looks like a Context, Go's
 * "cannot create context from nil parent".
 */
export function assertParent(parent: unknown): asserts parent is Context {
  if (parent === null || parent === undefined) {
    throw new TypeError(`cannot create context from nil parent: expected \`parent\` to be a Context, got ${String(parent)}`);
  }
  if (!isContext(parent)) {
    throw new TypeError(`Expected \`parent\` to be a Context, got ${describe(parent)}`);
  }
}
