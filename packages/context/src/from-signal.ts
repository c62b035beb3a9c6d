// fromSignal: the bridge from AbortSignal to Context.
import { describe } from '@gochan/channel';
import { CancelContext } from './cancel-context.js';
import type { Context } from './context.js';
import { background } from './background.js';
import { watch } from './foreign.js';

/** SignalContext is a CancelContext whose only parent is a signal. */
class SignalContext extends CancelContext {
  override toString(): string {
    return 'context.FromSignal';
  }
}

/**
 * fromSignal returns a context that is cancelled when `signal` aborts: the
 * way into the context world for code that is handed an `AbortSignal` (a
 * `Request.signal`, say). Go has no counterpart: it is the inverse of
 * reading {@link Context.signal}, much as Go's `context.AfterFunc` bridges a
 * context to code outside it.
 *
 * Its cause is `signal.reason`. Its err() is {@link DeadlineExceeded} when
 * that reason is named "TimeoutError" (as the reason of
 * `AbortSignal.timeout()` is, and DeadlineExceeded itself), and
 * {@link Canceled} for any other reason. A signal that is already aborted
 * gives a context that is already cancelled. It has no deadline and no
 * values; derive from it with the other functions.
 *
 * @throws TypeError when `signal` is not an AbortSignal.
 * @example
 * ```ts
 * const ctx = fromSignal(AbortSignal.timeout(1_000));
 * await ctx.done().recv();
 * ctx.err();   // DeadlineExceeded
 * ctx.cause(); // the TimeoutError DOMException
 * ```
 */
export function fromSignal(signal: AbortSignal): Context {
  const candidate = signal as Partial<AbortSignal> | null | undefined;
  if (typeof candidate?.aborted !== 'boolean' || typeof candidate.addEventListener !== 'function') {
    throw new TypeError(`Expected \`signal\` to be an AbortSignal, got ${describe(signal)}`);
  }
  const ctx = new SignalContext(background());
  // No cancel function: the context leaves the signal's watch only when the
  // signal aborts, so the registry watch() returns is not kept.
  watch(undefined, signal, ctx);
  return ctx;
}
