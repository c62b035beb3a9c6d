import { Channel, describe, type RecvChannel } from './channel.js';

/** The longest delay a setTimeout holds; a longer one fires at once (Node) or wraps around. */
const MAX_TIMEOUT = 2 ** 31 - 1;

/** Monotonic milliseconds where the platform has them; looked up on each call, so fake clocks in tests apply. */
const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * after is Go's `time.After(d)`: a channel on which the current time is sent
 * once, after `ms` milliseconds. Use it as a select case to bound a wait.
 *
 * The channel has a buffer of one, so the value waits there if nobody is
 * receiving when the time comes; like Go's, it is never closed. A delay of 0
 * or less is ready at once. A delay longer than a setTimeout can hold
 * (2^31-1 ms, about 24.8 days) is waited in steps and never fires early.
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
  if (typeof ms !== 'number' || Number.isNaN(ms)) {
    throw new RangeError(`Expected \`ms\` to be a number of milliseconds, got ${describe(ms)}`);
  }
  const channel = new Channel<Date>(1);
  if (ms <= 0) {
    channel.trySend(new Date());
    return channel;
  }
  if (signal?.aborted) return channel;
  const due = now() + ms;
  let timer: ReturnType<typeof setTimeout>;
  const cancel = (): void => clearTimeout(timer);
  const arm = (): void => {
    const left = due - now();
    if (left > 0) {
      // Re-armed until due: the delay may exceed a setTimeout's range, and a
      // timer may fire a fraction of a millisecond early.
      timer = setTimeout(arm, Math.min(Math.ceil(left), MAX_TIMEOUT));
      return;
    }
    signal?.removeEventListener('abort', cancel);
    channel.trySend(new Date());
  };
  arm();
  signal?.addEventListener('abort', cancel, { once: true });
  return channel;
}
