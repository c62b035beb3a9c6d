import type { RecvChannel } from './channel.js';
import { Ticker, checkPeriod } from './ticker.js';

/**
 * tick is Go's `time.Tick(d)`: the channel of a {@link Ticker} that is never
 * stopped, for a loop that ticks for the whole life of the program.
 *
 * Since Go 1.23 an unreferenced ticker is collected in Go; here it runs until
 * the program ends, and in Node it keeps the process alive. When the loop
 * can end, use a {@link Ticker} and stop it.
 *
 * @param ms - The period in milliseconds.
 * @throws RangeError "non-positive interval for Tick" if `ms` is 0, negative
 *   or NaN: where Go returns a nil channel, which would wait for ever, this
 *   reports the mistake.
 *
 * @example
 * ```ts
 * for await (const now of tick(60_000)) console.log('still here at', now);
 * ```
 */
export function tick(ms: number): RecvChannel<Date> {
  checkPeriod(ms, 'Tick');
  return new Ticker(ms).c;
}
