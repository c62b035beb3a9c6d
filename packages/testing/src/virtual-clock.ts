/*
 * Virtual time for a test run, Go's faketime (the playground's clock): the
 * clock stands still while anything can run, and when nothing can, it jumps
 * to the earliest timer and fires it. A test of a 10-second timeout takes
 * no real time, and the order of timers is exact.
 *
 * Invariants:
 *  - `timers` is sorted by (due, seq): the earliest first, and timers due at
 *    the same time in the order they were armed, as Go's timer heap orders
 *    them by when and then leaves ties to arrival.
 *  - `now` never goes backwards; a timer fires at `now >= due`.
 *  - A cleared timer is out of `timers` at once, so it never fires.
 */

/** One armed timer; also the handle setTimer returns. */
export class VirtualTimer {
  constructor(
    /** The clock this timer belongs to: clearTimer only takes its own. */
    readonly clock: VirtualClock,
    /** When it fires, on the clock's monotonic milliseconds. */
    readonly due: number,
    /** Tie-break: the order timers were armed in. */
    readonly seq: number,
    readonly callback: () => void,
  ) {}
}

/** VirtualClock is the clock and timer heap of one run. */
export class VirtualClock {
  /** Monotonic milliseconds since the run began. */
  now = 0;
  /** The wall clock at `now === 0`, epoch milliseconds. */
  readonly wallStart: number;
  /** Armed timers, earliest first. */
  private readonly timers: VirtualTimer[] = [];
  private seq = 0;

  constructor(wallStart: number) {
    this.wallStart = wallStart;
  }

  /** The wall clock: the start plus the virtual time elapsed. */
  wallNow(): number {
    return this.wallStart + this.now;
  }

  /** Arms a timer `ms` from now (0 or less: due now, fired once nothing else can run). */
  set(callback: () => void, ms: number): VirtualTimer {
    const timer = new VirtualTimer(this, this.now + Math.max(0, ms), this.seq++, callback);
    // Sorted insert from the end: timers are mostly armed in due order.
    let i = this.timers.length;
    while (i > 0 && (this.timers[i - 1] as VirtualTimer).due > timer.due) i--;
    this.timers.splice(i, 0, timer);
    return timer;
  }

  /** Cancels `handle` if it is a pending timer of this clock; false for anything else. */
  clear(handle: unknown): boolean {
    if (!(handle instanceof VirtualTimer) || handle.clock !== this) return false;
    const i = this.timers.indexOf(handle);
    if (i >= 0) this.timers.splice(i, 1);
    return true;
  }

  /** How many timers are armed. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves the clock to the earliest timer and fires it; false if none is armed. */
  fireNext(): boolean {
    const timer = this.timers.shift();
    if (timer === undefined) return false;
    if (timer.due > this.now) this.now = timer.due;
    timer.callback();
    return true;
  }
}
