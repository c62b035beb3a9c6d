import { describe } from './errors.js';
import { Alarm, now } from './alarm.js';
import { Channel, type RecvChannel } from './channel.js';
import { hooks, timeNow } from './hooks.js';
import { paced } from './pace.js';

// Go's time/sleep.go: Sleep, After (and, in timer.ts, NewTimer and
// AfterFunc). One module rather than one per function: every module of the
// package's index costs each program that imports it about 1.3 M
// instructions to resolve, read and link (bench/channel/load.mjs).

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

/**
 * after is Go's `time.After(d)`: a channel on which the current time is sent
 * once, after `ms` milliseconds. Use it as a select case to bound a wait.
 *
 * The channel has a buffer of one, so the value waits there if nobody is
 * receiving when the time comes; like Go's, it is never closed. A delay of 0
 * or less is ready at once. A delay longer than a setTimeout can hold
 * (2^31-1 ms, about 24.8 days) is waited in steps and never fires early;
 * `Infinity` never fires and arms no timer at all.
 *
 * While its timer is pending, it keeps a Node process alive, as any
 * setTimeout does. To stop waiting early, pass a signal, or use a
 * {@link Timer} and stop it.
 *
 * @param ms - The delay in milliseconds.
 * @param signal - Optional (not in Go): aborting it cancels the timer, and
 *   nothing is ever sent. Pass one when the wait may end another way, so no
 *   timer keeps running (in Node, a pending timer keeps the process alive).
 * @throws RangeError if `ms` is not a number, or is NaN.
 *
 * @example
 * ```ts
 * const [i] = await select([recv(done), recv(after(1000))]);
 * if (i === 1) console.log('timed out');
 * ```
 */
export function after(ms: number, signal?: AbortSignal): RecvChannel<Date> {
  checkDelay(ms);
  const channel = new Channel<Date>(1);
  if (ms <= 0) {
    channel.trySend(timeNow()); // seam: virtual time
    return channel;
  }
  if (ms === Infinity || signal?.aborted) return channel;
  const alarm = new Alarm(() => {
    signal?.removeEventListener('abort', cancel);
    channel.trySend(timeNow()); // seam: virtual time
  });
  const cancel = (): void => alarm.clear();
  alarm.setAt(now() + ms);
  signal?.addEventListener('abort', cancel, { once: true });
  return channel;
}

/** Throws the RangeError of a delay that is not a number of milliseconds (NaN included). */
export function checkDelay(ms: unknown): asserts ms is number {
  if (typeof ms !== 'number' || Number.isNaN(ms)) {
    throw new RangeError(`Expected \`ms\` to be a number of milliseconds, got ${describe(ms)}`);
  }
}
