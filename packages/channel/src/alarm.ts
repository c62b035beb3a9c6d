/*
 * Alarm: one entry of a clock's timer heap, rung once its due time has
 * passed, whatever the delay. The heap and its one platform timer are in
 * alarm-queue.ts; this file says which heap an alarm goes into.
 *
 * Invariants:
 *  - An alarm is in at most one queue (`queue`), and in one exactly while it
 *    is set (`armed`); `index` is its slot in that queue's heap, -1 outside.
 *  - `ring` runs only from the queue's timer, once the due time has passed
 *    on the queue's monotonic clock, and before any alarm of the same clock
 *    due later, or due at the same time and set after it (Go's timer heap:
 *    timers fire in the order of `when`). It never runs within setAt,
 *    setAtLater or clear.
 *  - One queue per clock: all alarms set with no hooks installed share one
 *    module-level heap and one setTimeout (Go's heap is per P; a JavaScript
 *    thread is one P). Alarms set while hooks are installed go into that
 *    hooks' own queue, whose due times are on the hooks' clock and whose
 *    timer is the hooks' setTimer; alarms set while a fake-timer library has
 *    replaced the global setTimeout go into a queue of that setTimeout. So
 *    installing or removing hooks or fake timers while alarms are pending
 *    never mixes two clocks in one heap, and each timer is cleared by
 *    whoever made it. The order guarantee holds among the alarms of one
 *    queue.
 *  - `clear()` leaves nothing pending: in Node, once every alarm is cleared
 *    nothing of them keeps the process alive.
 */

import { AlarmQueue } from './alarm-queue.js';
import type { HeapEntry } from './alarm-heap.js';
import { hooks } from './hooks.js';

/** Monotonic milliseconds where the platform has them; looked up on each call, so fake clocks in tests apply. */
export const now = (): number => (hooks !== null ? hooks.now() : typeof performance !== 'undefined' ? performance.now() : Date.now()); // seam: clock

/** The queue of alarms set with no hooks installed, on the setTimeout that was global when this module loaded. */
const platform = new AlarmQueue(null, setTimeout, clearTimeout);
/** The setTimeout `platform` arms with. */
const platformTimer: typeof setTimeout = setTimeout;
/** The other queues: one per installed RuntimeHooks, and one per other global setTimeout (a fake-timer library's). */
const others = new WeakMap<object, AlarmQueue>();
/** The last key looked up in `others` and its queue, so that a run under one set of hooks or fake timers skips the WeakMap. */
let lastKey: object | null = null;
let lastQueue: AlarmQueue = platform;

/**
 * The queue that alarms set now go into: the installed hooks', or with
 * none, the queue of the global setTimeout. A fake-timer library (vitest's,
 * sinon's) swaps the globals between tests and drops the timers it held: an
 * alarm set under it must not share a heap, nor a pending timer, with
 * alarms set under the real ones, as one setTimeout per alarm never did.
 */
function currentQueue(): AlarmQueue {
  const h = hooks;
  if (h === null && setTimeout === platformTimer) return platform; // seam: timer
  const key: object = h ?? setTimeout;
  if (key === lastKey) return lastQueue;
  let queue = others.get(key);
  if (queue === undefined) others.set(key, (queue = new AlarmQueue(h, setTimeout, clearTimeout)));
  lastKey = key;
  return (lastQueue = queue);
}

/** @internal How many alarms are pending in the queue that alarms set now go into: for tests of the heap's liveness. */
export function pendingAlarms(): number {
  return currentQueue().size;
}

/**
 * Alarm calls `ring` once the time given to `setAt` has passed. The timers
 * of `after`, `Timer`, `Ticker`, `sleep` and `afterFunc` are alarms; an
 * alarm is Go's `runtime.timer`, and its queue Go's timer heap.
 */
export class Alarm implements HeapEntry {
  /** When the alarm is due, on its queue's clock (the `now()` of when it was set); kept after it rings, for a Ticker's next tick. */
  due = 0;
  /** @internal The tie-break among alarms due at the same time: the order they were set in. */
  seq = 0;
  /** @internal The alarm's slot in its queue's heap; -1 while it is not set. */
  index = -1;
  /** @internal The queue the alarm is pending in; null while it is not set. */
  queue: AlarmQueue | null = null;

  /** @param ring - Called once per `setAt`, when the due time has passed (not if cleared or set again first). */
  constructor(readonly ring: () => void) {}

  /** Whether a ring is pending. */
  get armed(): boolean {
    return this.queue !== null;
  }

  /**
   * Sets the alarm to ring at `due` (a `now()` time), replacing any pending
   * ring: as Go's `modtimer`, it then rings in the place of an alarm set
   * now. A due time already past rings from the next timer turn, after
   * every alarm due before it; never within this call.
   */
  setAt(due: number): void {
    const queue = currentQueue();
    const current = this.queue;
    if (current === queue) return queue.move(this, due);
    if (current !== null) current.remove(this);
    queue.add(this, due);
  }

  /**
   * Sets the alarm to ring at `due`, never within this call: a due time
   * already past rings from the next timer turn. For afterFunc, whose
   * function Go runs in a goroutine of its own, never in the caller's. Since
   * the heap, setAt keeps the same promise; this name says that afterFunc
   * relies on it.
   */
  setAtLater(due: number): void {
    this.setAt(due);
  }

  /** Cancels the pending ring, if any; nothing is left scheduled for it. */
  clear(): void {
    const queue = this.queue;
    if (queue !== null) queue.remove(this);
  }
}
