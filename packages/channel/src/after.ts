import { Alarm, now } from './alarm.js';
import { timeNow } from './hooks.js';
import { Channel, type RecvChannel } from './channel.js';
import { describe } from './describe.js';

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
