import { describe } from './describe.js';
import { funcTimer, type Timer } from './timer.js';

/**
 * afterFunc is Go's `time.AfterFunc(d, f)`: it calls `f` once `ms`
 * milliseconds have passed, from a timer callback (where Go runs it in a
 * goroutine of its own), never within this call, even for a delay of 0 or
 * less, and in the order of the due times among all timers. It
 * returns a {@link Timer} whose `c` is the nil channel, as Go's is, and
 * whose `stop()` says whether it stopped `f` from being called.
 *
 * - `stop()` returns true if the call stopped the timer before `f` was
 *   called, false if `f` has already been called (or started) or the timer
 *   was stopped already. It does not wait for a running `f`.
 * - `reset(ms)` schedules `f` again, `ms` from now: it returns true if that
 *   moved a call still to come, false if `f` had been called or stopped,
 *   in which case `f` will now be called once more (Go 1.23).
 *
 * An exception thrown by `f` is uncaught, as a panic in Go's goroutine
 * crashes the program (the timers due with it still fire, from the next
 * timer turn); a promise `f` returns is not awaited.
 *
 * @param ms - The delay in milliseconds: 0 or less calls `f` at the next
 *   timer turn; `Infinity` never calls it and arms nothing.
 * @param f - The function to call.
 * @throws RangeError if `ms` is not a number, or is NaN.
 * @throws TypeError if `f` is not a function.
 *
 * @example
 * ```ts
 * const t = afterFunc(5_000, () => console.log('slow request'));  // time.AfterFunc(5*time.Second, f)
 * await handle(request);
 * if (t.stop()) console.log('fast enough');                        // f will not run
 * ```
 */
export function afterFunc(ms: number, f: () => unknown): Timer {
  if (typeof f !== 'function') throw new TypeError(`Expected \`f\` to be a function, got ${describe(f)}`);
  return funcTimer(ms, f);
}
