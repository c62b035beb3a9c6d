/**
 * Fairness to the event loop.
 *
 * An operation that completes at once resolves its promise at once, and the
 * caller resumes in a microtask. A loop of such operations therefore never
 * returns to the event loop: timers, I/O and rendering starve (Go's scheduler
 * preempts a goroutine that runs too long, sysmon's `forcePreemptNS`, 10 ms;
 * a microtask queue does not).
 *
 * So every operation that completes without parking (the channels', the
 * locks', the semaphore's, Once's, WaitGroup's, errgroup's, the pool's take
 * of a queued job) asks `pace()` how to resolve. Once `SLICE_MS` of work
 * has run without the event loop turning, `pace()` opens a gate: until the
 * next macrotask, every operation that completes at once still completes
 * (its effect happens now), but its caller resumes only after that
 * macrotask, so the microtask queue drains and the event loop runs timers
 * and I/O.
 *
 * Invariants:
 *  - The clock is read at the first operation of every slice, and then
 *    after windows of `span` operations, where `span` starts at 1 in each
 *    slice and doubles (up to `CHECK_EVERY`) only while a whole window ran
 *    within one tick of the clock. So a slice of operations that each take
 *    as long as a 3 ms handler reads the clock at every operation and ends
 *    after the first one past `SLICE_MS`; a slice of fast operations reads
 *    it once per `CHECK_EVERY` after a ramp of five reads.
 *  - A slice therefore ends at most about `2 * SLICE_MS` (plus one
 *    operation) after it began, for operations of even duration; a loop
 *    whose operations turn slow in the middle of a slice, after the ramp,
 *    can overrun by up to `CHECK_EVERY` of them, once: the next slice
 *    starts its ramp at 1 again.
 *
 * The cost is a counter decrement per operation, a clock read every
 * `CHECK_EVERY` operations (and five more per slice), and one macrotask per
 * slice. Counted (bench/sync/loop.mjs and instructions.mjs, Node 20): the decrement, once
 * inlined, about 10 instructions; `Date.now()` is a runtime call of about
 * 330, so 10 an operation; a slice's end (the macrotask, the gate, the
 * ramp's reads) about 7,000, 1 an operation at 4 M operations a second.
 */

import { hooks } from './hooks.js';

/** The most operations between two reads of the clock. */
const CHECK_EVERY = 32;
/**
 * How long channel work may run before the event loop gets a turn, in ms.
 * The clock is `Date.now()`, whole milliseconds: a slice ends once the clock
 * has moved on by more than this, after between 1 and 2 ms of work (and
 * the operation in progress when the clock was read).
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

// `budget` is read by every operation, and `gate` by every one that meets
// it, so they are `var`: a module's `let` is in its temporal dead zone until
// its declaration runs, and V8 checks for that on every access from a
// function (measured: three such checks per operation, 2% of a recv loop's
// instructions); a `var` has none. The fast path reads `budget` alone: an
// open gate keeps it at or below zero (see checkClock).

/** Operations left before the next clock read. */
var budget = 1;
/** The length of the current window (operations between two clock reads): 1 at a slice's start, doubling to CHECK_EVERY. */
let span = 1;
/** When the current run of work without a macrotask began. */
let sliceStart = 0;
/** The clock at the last read: a window that ends on the same tick doubles the next one. */
let lastRead = 0;
/** True while the sentinel macrotask is scheduled; it runs once the event loop has turned. */
let sentinelScheduled = false;
/** While open: the promise that resolves on the sentinel's macrotask, and its resolver. */
var gate: Promise<void> | null = null;
let openGate: (() => void) | null = null;

function sentinel(): void {
  sentinelScheduled = false;
  // The event loop has turned: the next operation starts a slice, and a
  // slice reads the clock at its first operations (see the invariants).
  budget = span = 1;
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
  return --budget > 0 ? null : checkClock();
}

/**
 * The slow half of `pace()`: returns the open gate, or reads the clock,
 * sizes the next window, and opens the gate once the slice is used up.
 * While the gate is open `budget` stays at or below zero, so every
 * operation comes here and is held at it: the fast path reads one variable.
 */
function checkClock(): Promise<void> | null {
  if (gate !== null) {
    budget = 0; // held here, not run down towards the end of the small integers
    return gate;
  }
  if (hooks !== null && !hooks.pacing) {
    budget = CHECK_EVERY; // seam: pacing off under a test scheduler
    return null;
  }
  // Date.now() rather than performance.now(): in Node the latter is
  // JavaScript around a binding, which the optimizing compiler inlines here
  // and recompiles in every program (measured: a tenth of the compilation in
  // a 100k ping-pong); Date.now() is one V8 builtin everywhere.
  const now = Date.now();
  if (!sentinelScheduled) {
    // First check since the event loop last turned: the slice starts now.
    sentinelScheduled = true;
    sliceStart = lastRead = now;
    budget = span = 1;
    macrotask(sentinel);
    return null;
  }
  // A window that ended on the tick it began is fast: double the next one.
  // One that saw the clock move may hold slow operations: read it at every
  // operation until a window is fast again.
  span = now === lastRead ? (span < CHECK_EVERY ? span * 2 : CHECK_EVERY) : 1;
  budget = span;
  lastRead = now;
  if (now - sliceStart <= SLICE_MS) return null;
  budget = 0; // until the sentinel: every operation meets the gate
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
