/**
 * Fairness to the event loop.
 *
 * An operation that completes at once resolves its promise at once, and the
 * caller resumes in a microtask. A loop of such operations therefore never
 * returns to the event loop: timers, I/O and rendering starve (Go's scheduler
 * preempts a goroutine that runs too long; a microtask queue does not).
 *
 * So every operation that completes without parking asks `pace()` how to
 * resolve. About once per `SLICE_MS` of channel work that has not let the
 * event loop turn, `pace()` opens a gate: until the next macrotask, every
 * operation that completes at once still completes (its effect on the
 * channel happens now), but its caller resumes only after that macrotask, so
 * the microtask queue drains and the event loop runs timers and I/O.
 *
 * The cost is a counter decrement per operation and a clock read every
 * `CHECK_EVERY` operations; the yield itself costs one macrotask per slice.
 */

import { hooks } from './hooks.js';

/** Operations between two reads of the clock. */
const CHECK_EVERY = 32;
/**
 * How long channel work may run before the event loop gets a turn, in ms.
 * The clock is `Date.now()`, whole milliseconds: a slice ends once the clock
 * has moved on by more than this, after between 1 and 2 ms of work.
 */
const SLICE_MS = 1;

/** Schedules a macrotask: setImmediate where it exists (Node, Bun), else a MessageChannel (browsers, Deno). */
const macrotask: (callback: () => void) => void = (() => {
  const g = globalThis as { setImmediate?: (callback: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return (callback: () => void) => void setImmediate(callback);
  }
  if (typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    let pending: (() => void) | undefined;
    channel.port1.onmessage = () => {
      const callback = pending as () => void;
      pending = undefined;
      callback();
    };
    // Only one macrotask is ever outstanding (the sentinel below), so one slot suffices.
    return (callback: () => void) => {
      pending = callback;
      channel.port2.postMessage(null);
    };
  }
  return (callback: () => void) => void setTimeout(callback, 0);
})();

/** A promise resolved at once, shared: an operation that completes without waiting allocates nothing. */
export const RESOLVED: Promise<void> = Promise.resolve();

// `budget` and `gate` are read by every operation, so they are `var`: a
// module's `let` is in its temporal dead zone until its declaration runs, and
// V8 checks for that on every access from a function (measured: three such
// checks per operation, 2% of a recv loop's instructions); a `var` has none.

/** Operations left before the next clock read. */
var budget = CHECK_EVERY;
/** When the current run of channel work without a macrotask began. */
let sliceStart = 0;
/** True while the sentinel macrotask is scheduled; it runs once the event loop has turned. */
let sentinelScheduled = false;
/** While open: the promise that resolves on the sentinel's macrotask, and its resolver. */
var gate: Promise<void> | null = null;
let openGate: (() => void) | null = null;

function sentinel(): void {
  sentinelScheduled = false;
  const resolve = openGate;
  gate = openGate = null;
  if (resolve !== null) resolve();
}

/**
 * pace is the event loop's share of channel work that never waits. Every
 * operation that completes without parking calls it; a loop that takes
 * values synchronously (`tryRecv`, `trySend`) and must stay fair calls it
 * once per value. It returns null when the caller may go on at once, or,
 * once the loop has run about a millisecond without letting the event loop
 * turn, a promise to await first: Go's scheduler preempts a goroutine that
 * runs too long, and this is the cooperative stand-in.
 *
 * @example
 * ```ts
 * for (let next = ch.tryRecv(); next !== undefined && next[1]; next = ch.tryRecv()) {
 *   handle(next[0]);
 *   const wait = pace();
 *   if (wait !== null) await wait;
 * }
 * ```
 *
 * Only the counter is here: the optimizing compiler inlines this into every
 * operation, and the clock read, once per `CHECK_EVERY` calls, stays out of
 * line in `checkClock` so that it does not weigh on the inlined code.
 */
export function pace(): Promise<void> | null {
  if (gate !== null) return gate;
  if (--budget > 0) return null;
  return checkClock();
}

/** The slow half of `pace()`: reads the clock, and opens the gate once the slice is used up. */
function checkClock(): Promise<void> | null {
  budget = CHECK_EVERY;
  if (hooks !== null && !hooks.pacing) return null; // seam: pacing off under a test scheduler
  // Date.now() rather than performance.now(): in Node the latter is
  // JavaScript around a binding, which the optimizing compiler inlines here
  // and recompiles in every program (measured: a tenth of the compilation in
  // a 100k ping-pong); Date.now() is one V8 builtin everywhere.
  const now = Date.now();
  if (!sentinelScheduled) {
    // First check since the event loop last turned: the slice starts now.
    sentinelScheduled = true;
    sliceStart = now;
    macrotask(sentinel);
    return null;
  }
  if (now - sliceStart <= SLICE_MS) return null;
  gate = new Promise<void>((resolve) => (openGate = resolve));
  return gate;
}

/**
 * `pace()` for an operation that resolves with nothing. Held at the gate, it
 * resumes through its own `.then`, as `resumeWith` does: every caller held at
 * the gate then resumes the same number of microtasks after it opens, in the
 * order the callers completed. Returning the gate itself would let a sender
 * overtake the receiver that entered the gate before it, one value per gate,
 * and the buffer of a send/recv loop would fill up by one per millisecond.
 */
export function paced(): Promise<void> {
  const wait = pace();
  return wait === null ? RESOLVED : wait.then(noop);
}

/**
 * `pace()` for an operation that resolves with `result`.
 *
 * On hot paths that make a fresh array (recv, select), call `pace()` and
 * `Promise.resolve` at the site instead: there the optimizing compiler sees
 * the array literal and skips the generic "is it a thenable?" lookup that
 * `Promise.resolve` does on a value of unknown shape (about 20 ns a message).
 */
export function pacedWith<R>(result: R): Promise<R> {
  const wait = pace();
  return wait === null ? Promise.resolve(result) : resumeWith(wait, result);
}

/**
 * Resumes with `result` once `wait` settles. A function of its own so that
 * its callers capture nothing: a closure over `result` in the caller would
 * make every call allocate a context, gated or not.
 */
export function resumeWith<R>(wait: Promise<void>, result: R): Promise<R> {
  return wait.then(() => result);
}

function noop(): void {}
