/*
 * The runtime seam: how @gochan/testing (or a debugger) sees and steers
 * every place where a gochan operation waits, draws at random, or reads
 * the clock. Go has this inside its runtime (the scheduler, fastrand, the
 * timer heap); here it is one module-level slot.
 *
 * Invariants:
 *  - `hooks` is null unless someone installed a RuntimeHooks: then every
 *    call site costs one comparison with null and behaves exactly as it
 *    did before the seam existed.
 *  - Call sites are one line each and list no logic of their own: a park
 *    hands its promise to `park` and returns what it gets back; select
 *    draws through `random()`; the alarm arms through `setTimer` and reads
 *    `now()`; the time a timer sends comes from `timeNow()`; pacing asks
 *    `hooks.pacing` only on its slow path (every CHECK_EVERY operations),
 *    so the fast path pays nothing.
 *  - Hooks are installed before the code they watch starts and removed
 *    after; an operation parked under one set of hooks settles under
 *    whatever is installed when it wakes (the hooks' promise wrappers must
 *    cope with being outlived).
 */

import { cheaprand } from './cheaprand.js';

/**
 * ParkReason is what a parked operation waits for, in the words of Go's
 * goroutine dump (`goroutine 1 [chan receive]:`).
 */
export type ParkReason =
  | 'chan send'
  | 'chan receive'
  | 'chan receive (range)'
  | 'chan send (nil chan)'
  | 'chan receive (nil chan)'
  | 'select'
  | 'select (no cases)'
  | 'sleep'
  | 'sync.Cond.Wait'
  | 'sync.WaitGroup.Wait'
  | 'semacquire';

/**
 * RuntimeHooks is the interface through which a test runtime steers
 * gochan's waits, random draws and clock, as Go's runtime scheduler owns
 * goroutines, `fastrand` and the timer heap. It is installed with
 * {@link installHooks} by `@gochan/testing`; application code has no use
 * for it.
 */
export interface RuntimeHooks {
  /**
   * park is called with the promise of an operation that has just parked
   * (Go's `gopark`) and returns the promise its caller gets instead: one
   * that settles as the original does, when the runtime decides.
   *
   * @param promise - The operation's own promise.
   * @param reason - What it waits for.
   * @param on - What it waits on: the channel, the select's cases, the
   *   WaitGroup or the semaphore.
   */
  park<R>(promise: Promise<R>, reason: ParkReason, on: unknown): Promise<R>;
  /** made is told of each new channel (Go's `makechan`), so that a report can say where it was made. */
  made(channel: object): void;
  /** random returns a number in [0, 1), for select's choices (Go's `fastrand`). */
  random(): number;
  /** now is the monotonic clock of timers, in milliseconds (Go's `nanotime`). */
  now(): number;
  /** wallNow is the wall clock of deadlines, in epoch milliseconds (Go's `walltime`). */
  wallNow(): number;
  /** setTimer calls `callback` once `ms` milliseconds have passed on this clock; returns a handle for clearTimer. */
  setTimer(callback: () => void, ms: number): unknown;
  /** clearTimer cancels a timer that setTimer made, returning true; false for any other handle. */
  clearTimer(handle: unknown): boolean;
  /** pacing is false to turn off the yield to the event loop (pace.ts), as a test scheduler decides alone who runs. */
  readonly pacing: boolean;
}

/** @internal The installed hooks, or null (always, outside tests and debugging). */
export let hooks: RuntimeHooks | null = null;

/**
 * installHooks installs `next` as the runtime's hooks (null removes them)
 * and returns the ones it replaced. Meant for `@gochan/testing`, which
 * installs its scheduler for the length of a run; like Go's runtime
 * internals, it is not for application code.
 */
export function installHooks(next: RuntimeHooks | null): RuntimeHooks | null {
  const previous = hooks;
  hooks = next;
  return previous;
}

/** currentHooks returns the installed hooks, or null: for the sibling packages (WaitGroup, semaphore, context), whose waits go through the same seam as Go's sync and time packages go through its runtime. */
export function currentHooks(): RuntimeHooks | null {
  return hooks;
}

/** @internal Go's cheaprand for select: cheaprand.ts unless hooks are installed. */
export function random(): number {
  return hooks === null ? cheaprand() : hooks.random();
}

/** @internal The time a timer sends (Go's `time.Now()` in `sendTime`): the wall clock, or the test runtime's virtual one. */
export function timeNow(): Date {
  return hooks === null ? new Date() : new Date(hooks.wallNow());
}
