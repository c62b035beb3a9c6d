/*
 * Alarm: one setTimeout that fires at a due time, whatever the delay.
 *
 * Invariants:
 *  - At most one setTimeout is pending per alarm (`handle`), and one is
 *    pending exactly while the alarm is set (`armed`).
 *  - `ring` runs only once the due time has passed on the monotonic clock: a
 *    setTimeout that fires a little early, or one cut to the longest delay a
 *    setTimeout holds, is re-armed for the rest.
 *  - `clear()` leaves nothing pending: in Node, a cleared alarm does not
 *    keep the process alive.
 */

import { hooks } from './hooks.js';

/** The longest delay a setTimeout holds; a longer one fires at once (Node) or wraps around. */
const MAX_TIMEOUT = 2 ** 31 - 1;

/** Monotonic milliseconds where the platform has them; looked up on each call, so fake clocks in tests apply. */
export const now = (): number => (hooks !== null ? hooks.now() : typeof performance !== 'undefined' ? performance.now() : Date.now()); // seam: clock

/**
 * Alarm calls `ring` once the time given to `set` has passed. The timers of
 * `after`, `Timer` and `Ticker` are alarms; so is the runtime's timer heap
 * entry in Go (`runtime.timer`), minus the heap.
 */
export class Alarm {
  /** The pending setTimeout; undefined while the alarm is not set. */
  private handle: unknown = undefined;
  /** When the alarm is due, on the `now()` clock; meaningful only while armed. */
  due = 0;
  /** The setTimeout callback, bound once so that re-arming allocates no closure. */
  private readonly check: () => void;

  /** @param ring - Called once per `set`, when the due time has passed (not if cleared first). */
  constructor(private readonly ring: () => void) {
    this.check = () => {
      this.handle = undefined;
      this.arm();
    };
  }

  /** Whether a ring is pending. */
  get armed(): boolean {
    return this.handle !== undefined;
  }

  /** Sets the alarm to ring at `due` (a `now()` time), replacing any pending ring. */
  setAt(due: number): void {
    this.clear();
    this.due = due;
    this.arm();
  }

  /** Cancels the pending ring, if any; nothing is left scheduled. */
  clear(): void {
    if (this.handle !== undefined) {
      if (hooks === null || !hooks.clearTimer(this.handle)) clearTimeout(this.handle as ReturnType<typeof setTimeout>); // seam: timer
      this.handle = undefined;
    }
  }

  /**
   * Sets the alarm to ring at `due`, as setAt does, but never within this
   * call: a due time already past rings from a timer of 0 ms. For
   * afterFunc, whose function Go runs in a goroutine of its own, never in
   * the caller's.
   */
  setAtLater(due: number): void {
    this.clear();
    this.due = due;
    const left = due - now();
    this.schedule(left > 0 ? Math.min(Math.ceil(left), MAX_TIMEOUT) : 0);
  }

  private arm(): void {
    const left = this.due - now();
    if (left > 0) {
      this.schedule(Math.min(Math.ceil(left), MAX_TIMEOUT));
      return;
    }
    this.ring();
  }

  private schedule(ms: number): void {
    this.handle = hooks === null ? setTimeout(this.check, ms) : hooks.setTimer(this.check, ms); // seam: timer arming
  }
}
