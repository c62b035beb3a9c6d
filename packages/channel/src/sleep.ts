import { checkDelay } from './after.js';
import { Alarm, now } from './alarm.js';
import { hooks } from './hooks.js';
import { paced } from './pace.js';

/**
 * sleep is Go's `time.Sleep(d)`: it resolves once at least `ms`
 * milliseconds have passed. A delay of 0 or less resolves at once (paced,
 * as an operation that completes without waiting is: a loop of `sleep(0)`
 * still lets timers and I/O run).
 *
 * @param ms - The delay in milliseconds; `Infinity` sleeps for ever (and
 *   arms no timer: in Node, nothing then keeps the process alive, and the
 *   deadlock watcher reports the sleeper).
 * @param signal - Optional (not in Go, where a sleep cannot be woken):
 *   aborting it ends the sleep early, rejecting with `signal.reason`, and
 *   leaves no timer behind. An already aborted signal rejects at once.
 * @throws RangeError if `ms` is not a number, or is NaN.
 *
 * @example
 * ```ts
 * await sleep(100);                 // time.Sleep(100 * time.Millisecond)
 * await sleep(60_000, ctx.signal);  // or until the context is cancelled
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  checkDelay(ms);
  if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return paced();
  const sleeper = new Sleeper(signal);
  if (ms !== Infinity) sleeper.alarm.setAt(now() + ms);
  return hooks === null ? sleeper.promise : hooks.park(sleeper.promise, 'sleep', ms); // seam: park (Go's "sleep")
}

/** One sleep: its promise, its alarm, and its own abort listener (so that a signal costs no closure). */
class Sleeper {
  readonly promise: Promise<void>;
  readonly alarm: Alarm;
  declare resolve: () => void;
  declare reject: (reason: unknown) => void;

  constructor(readonly signal: AbortSignal | undefined) {
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.alarm = new Alarm(() => {
      signal?.removeEventListener('abort', this);
      this.resolve();
    });
    signal?.addEventListener('abort', this, { once: true });
  }

  /** The signal aborted: no timer is left, and the sleep rejects with its reason. */
  handleEvent(): void {
    this.alarm.clear();
    this.reject((this.signal as AbortSignal).reason);
  }
}
