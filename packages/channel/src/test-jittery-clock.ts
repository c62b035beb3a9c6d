/*
 * A fake clock for alarm tests, installed as the runtime hooks: its timers
 * fire when the test says, each at the time asked for plus an offset the
 * test draws, up to 1 ms early (libuv counts a setTimeout from its cached
 * loop time, so on the performance.now() clock one may fire before its
 * delay has passed) or late by any amount (a busy event loop).
 */

import type { ParkReason, RuntimeHooks } from './hooks.js';

/** One timer of the fake clock; also the handle setTimer returns. */
class JitteryTimer {
  constructor(
    readonly clock: JitteryClock,
    /** When it fires on the fake clock: the delay asked for plus the drawn offset, never before the time it was set. */
    readonly at: number,
    /** Tie-break: timers that fire at the same time fire in the order they were set. */
    readonly seq: number,
    readonly callback: () => void,
  ) {}
}

/** JitteryClock is RuntimeHooks whose clock and timers the test drives, with timers that fire early or late. */
export class JitteryClock implements RuntimeHooks {
  readonly pacing = true;
  /** The fake monotonic time, in milliseconds. */
  time = 0;
  /** The timers set and not yet fired or cleared. */
  private readonly timers = new Set<JitteryTimer>();
  private seq = 0;
  /** How many timers were set: which offset the next one gets. */
  private drawn = 0;

  /**
   * @param offsets - Added in turn (cycling) to each timer's delay: from -1
   *   (exclusive: a timer fires less than 1 ms early) up to any lateness.
   */
  constructor(private readonly offsets: readonly number[]) {}

  park<R>(promise: Promise<R>, _reason: ParkReason, _on: unknown): Promise<R> {
    return promise;
  }
  made(): void {}
  random(): number {
    return 0;
  }
  now(): number {
    return this.time;
  }
  wallNow(): number {
    return this.time;
  }

  setTimer(callback: () => void, ms: number): unknown {
    const offset = this.offsets.length === 0 ? 0 : (this.offsets[this.drawn++ % this.offsets.length] as number);
    const timer = new JitteryTimer(this, Math.max(this.time, this.time + ms + offset), this.seq++, callback);
    this.timers.add(timer);
    return timer;
  }

  clearTimer(handle: unknown): boolean {
    if (!(handle instanceof JitteryTimer) || handle.clock !== this) return false;
    this.timers.delete(handle);
    return true;
  }

  /** How many timers are set. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves the clock to the timer that fires first and calls it (a throw from it propagates); false when none is set. */
  fireNext(): boolean {
    let next: JitteryTimer | undefined;
    for (const timer of this.timers) {
      if (next === undefined || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq)) next = timer;
    }
    if (next === undefined) return false;
    this.timers.delete(next);
    if (next.at > this.time) this.time = next.at;
    next.callback();
    return true;
  }
}
