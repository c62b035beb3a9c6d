import { checkDelay } from './after.js';
import { Alarm, now } from './alarm.js';
import { timeNow } from './hooks.js';
import { Channel, type RecvChannel } from './channel.js';
import { nil } from './nil.js';

/*
 * Timer follows Go 1.23's time.Timer: its channel behaves as if unbuffered,
 * so a value sent but not yet received counts as not delivered.
 *
 * Invariants:
 *  - `active` is true from a start until the alarm rings or stop/reset
 *    runs; while it is false, no alarm is pending.
 *  - The channel's buffer holds at most the one value of the latest start,
 *    and only after the alarm rang: stop() and reset() empty it before they
 *    return, so no value from before them is ever received.
 *  - The channel is never closed, as in Go.
 *  - A timer made by afterFunc (`#func` set) has the nil channel and calls
 *    its function instead of sending, always from a timer callback, never
 *    within the call that started it (Go runs f in its own goroutine).
 */

/** Set by funcTimer around the one `new Timer` it makes: the function that timer calls instead of sending. */
let funcOfNext: (() => unknown) | null = null;

/** @internal afterFunc's timer (after-func.ts): a Timer whose channel is nil and whose alarm calls `f`. */
export function funcTimer(ms: number, f: () => unknown): Timer {
  funcOfNext = f;
  try {
    return new Timer(ms);
  } finally {
    funcOfNext = null;
  }
}

/**
 * Timer is Go's `time.Timer` (`time.NewTimer(d)`): once `ms` milliseconds
 * have passed, the current time is sent on {@link Timer.c}, once. Unlike
 * {@link after}, it can be stopped, which leaves no timer pending (in Node,
 * nothing keeps the process alive), and reset.
 *
 * Timers follow Go 1.23's semantics: once {@link Timer.stop} or
 * {@link Timer.reset} has returned, no value from before that call is
 * received, and a value that was sent but not yet received counts as not
 * delivered (`stop()` then returns true).
 *
 * @example
 * ```ts
 * const timer = new Timer(1_000);        // timer := time.NewTimer(time.Second)
 * const [i] = await select([recv(done), recv(timer.c)]);
 * if (i === 0) timer.stop();             // done first: no timer left behind
 * ```
 */
export class Timer {
  /** The channel on which the time is sent, Go's `t.C`; receive-only. */
  readonly c: RecvChannel<Date>;
  /** The same channel, with its send side: the alarm sends, stop and reset drain. */
  readonly #channel: Channel<Date>;
  /** The pending send (or call), an entry of the timer heap (alarm.ts); cleared by stop and reset. */
  readonly #alarm: Alarm;
  /** Whether the value of the latest start is still to be sent (or, for afterFunc, its function still to be called). */
  #active = false;
  /** afterFunc's function, called instead of sending; null for a plain timer. */
  readonly #func: (() => unknown) | null;

  /**
   * Starts a timer, as Go's `time.NewTimer(d)`.
   *
   * @param ms - The delay in milliseconds: 0 or less sends at once;
   *   `Infinity` never sends and arms no timer; one longer than a setTimeout
   *   can hold is waited in steps and never fires early.
   * @throws RangeError if `ms` is not a number, or is NaN.
   */
  constructor(ms: number) {
    checkDelay(ms);
    const f = funcOfNext;
    funcOfNext = null;
    this.#func = f;
    if (f === null) {
      const channel = new Channel<Date>(1);
      this.c = this.#channel = channel;
      this.#alarm = new Alarm(() => {
        this.#active = false;
        channel.trySend(timeNow()); // seam: virtual time
      });
    } else {
      // Go's AfterFunc: t.C is nil, and the timer calls f.
      this.c = this.#channel = nil;
      this.#alarm = new Alarm(() => {
        this.#active = false;
        f();
      });
    }
    this.#start(ms);
  }

  /**
   * stop prevents the timer from firing, Go's `t.Stop()`. Once it returns,
   * no value is received from {@link Timer.c} until a reset: a value already
   * sent but not yet received is taken back.
   *
   * @returns true if this call stopped the timer before its value was
   *   received; false if the value was received already, or the timer was
   *   already stopped.
   */
  stop(): boolean {
    let pending = this.#active;
    this.#active = false;
    this.#alarm.clear();
    if (this.#channel.tryRecv() !== undefined) pending = true;
    return pending;
  }

  /**
   * reset makes the timer send the time after `ms` milliseconds from now,
   * Go's `t.Reset(d)`: as {@link Timer.stop}, then a fresh start. No value
   * from before the call is received after it returns.
   *
   * @param ms - The new delay, as for the constructor.
   * @returns true if the timer was active (its value not yet received),
   *   false if it had fired and been received, or had been stopped.
   * @throws RangeError if `ms` is not a number, or is NaN; the timer is
   *   then left as it was.
   */
  reset(ms: number): boolean {
    checkDelay(ms);
    const pending = this.stop();
    this.#start(ms);
    return pending;
  }

  #start(ms: number): void {
    if (this.#func !== null) {
      this.#active = true;
      if (ms !== Infinity) this.#alarm.setAtLater(now() + ms);
      return;
    }
    if (ms <= 0) {
      this.#channel.trySend(timeNow()); // seam: virtual time
      return;
    }
    this.#active = true;
    if (ms !== Infinity) this.#alarm.setAt(now() + ms);
  }
}
