import { Alarm, now } from './alarm.js';
import { timeNow } from './hooks.js';
import { Channel, type RecvChannel } from './channel.js';
import { describe } from './describe.js';

/*
 * Ticker follows Go 1.23's time.Ticker.
 *
 * Invariants:
 *  - An alarm is pending exactly while the ticker runs (between the
 *    constructor or reset() and stop()), unless the period is Infinity.
 *  - Ticks fall on `start + k * period`: a tick that comes late does not
 *    shift the ones after it, and the ticks missed while late are skipped,
 *    never sent in a burst.
 *  - The channel holds at most one tick: a tick that finds it full is
 *    dropped, so a slow receiver misses ticks instead of queueing them.
 *  - stop() and reset() empty the channel before they return: no tick from
 *    before them is ever received.
 */

/**
 * Ticker is Go's `time.Ticker` (`time.NewTicker(d)`): it sends the current
 * time on {@link Ticker.c} every `ms` milliseconds until stopped.
 *
 * The channel holds one tick: a receiver too slow for the period misses
 * ticks instead of finding them queued, and the ticks keep their schedule.
 * Once {@link Ticker.stop} or {@link Ticker.reset} has returned, no tick
 * from before the call is received (Go 1.23's semantics).
 *
 * A running ticker keeps a Node process alive, as `setInterval` does and as
 * a pending {@link after} does: stop it when done, and nothing is left
 * behind.
 *
 * @example
 * ```ts
 * const ticker = new Ticker(1_000);        // ticker := time.NewTicker(time.Second)
 * try {
 *   for (;;) {
 *     const [i] = await select([recv(ctx.done()), recv(ticker.c)]);
 *     if (i === 0) break;
 *     console.log('tick');
 *   }
 * } finally {
 *   ticker.stop();                         // defer ticker.Stop()
 * }
 * ```
 */
export class Ticker {
  /** The channel on which the ticks are sent, Go's `t.C`; receive-only, never closed. */
  readonly c: RecvChannel<Date>;
  /** The same channel, with its send side: the alarm sends, stop and reset drain. */
  readonly #channel: Channel<Date>;
  /** The next tick, an entry of the timer heap (alarm.ts); cleared by stop and reset. */
  readonly #alarm: Alarm;
  /** The period in milliseconds; set by the constructor and reset(). */
  #period: number;

  /**
   * Starts a ticker, as Go's `time.NewTicker(d)`; the first tick comes after
   * one period.
   *
   * @param ms - The period in milliseconds; `Infinity` never ticks and arms
   *   no timer.
   * @throws RangeError "non-positive interval for NewTicker" if `ms` is 0,
   *   negative or NaN (Go's panic), or a RangeError naming what was received
   *   if it is not a number.
   */
  constructor(ms: number) {
    checkPeriod(ms, 'NewTicker');
    const channel = new Channel<Date>(1);
    this.c = this.#channel = channel;
    this.#period = ms;
    const alarm = (this.#alarm = new Alarm(() => {
      channel.trySend(timeNow()); // seam: virtual time
      const period = this.#period;
      let due = alarm.due + period;
      const late = now() - due;
      if (late >= 0) due += period * (Math.floor(late / period) + 1);
      alarm.setAt(due);
    }));
    this.#start();
  }

  /**
   * stop turns the ticker off, Go's `t.Stop()`: no tick is received after it
   * returns (a tick waiting in the channel is taken back), and no timer is
   * left pending. The channel is not closed, as in Go: a loop receiving only
   * from it would wait for ever. A stopped ticker may be started again with
   * {@link Ticker.reset}.
   */
  stop(): void {
    this.#alarm.clear();
    this.#channel.tryRecv();
  }

  /**
   * reset stops the ticker and starts it again with period `ms`, the first
   * tick one period from now, Go's `t.Reset(d)`. No tick from before the
   * call is received after it returns.
   *
   * @throws RangeError "non-positive interval for Ticker.Reset" if `ms` is
   *   0, negative or NaN (Go's panic); the ticker is then left as it was.
   */
  reset(ms: number): void {
    checkPeriod(ms, 'Ticker.Reset');
    this.stop();
    this.#period = ms;
    this.#start();
  }

  #start(): void {
    if (this.#period !== Infinity) this.#alarm.setAt(now() + this.#period);
  }
}

/** Throws Go's panic for a period that is not positive, naming the Go function (`NewTicker`, `Ticker.Reset`, `Tick`). */
export function checkPeriod(ms: unknown, caller: string): asserts ms is number {
  if (typeof ms !== 'number') throw new RangeError(`Expected \`ms\` to be a number of milliseconds, got ${describe(ms)}`);
  if (!(ms > 0)) throw new RangeError(`non-positive interval for ${caller}`);
}
