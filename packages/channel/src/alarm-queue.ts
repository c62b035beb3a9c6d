/*
 * AlarmQueue: the pending alarms of one clock and the one platform timer
 * that serves them all, Go's per-P timer heap and the runtime's check of it
 * (runtime/time.go: `addtimer`, `deltimer`, `modtimer`, `runtimer`).
 *
 * Invariants:
 *  - A platform timer (`handle`) is pending exactly while the heap is not
 *    empty: in Node the queue keeps the process alive while any alarm is
 *    set, as one setTimeout per alarm did, and nothing once all are cleared.
 *    While the heap is rung (`running`) none is pending; one is armed for
 *    the new head when the ringing ends, however it ends.
 *  - The pending timer is due no later than the head (`armedFor <=
 *    head.due`): an alarm that becomes the head earlier re-arms it; one
 *    that leaves the head does not (the timer then fires early, finds
 *    nothing due and re-arms for the new head), as Go's `deltimer` too
 *    leaves the wake-up already scheduled to find nothing.
 *  - Alarms ring only from the timer's callback, never within setAt or
 *    clear, and in heap order: every alarm set and due on the clock at the
 *    moment the callback starts, earliest first, ties in the order they
 *    were set; one set by a ring waits for the next timer turn.
 *    A timer that fires before the head is due (libuv counts from its
 *    cached loop time, so a setTimeout may fire up to a millisecond early on
 *    the `performance.now()` clock) re-arms for the rest and rings nothing:
 *    no later alarm can ring before it, which one setTimeout per alarm
 *    could not promise (Go's rule: timers fire in the order of `when`).
 *  - An alarm is out of the heap (`queue` null) before its ring is called,
 *    so a ring may set, clear or re-set any alarm, itself included.
 *  - The clock is the queue's own: the hooks installed when it was made,
 *    or, with none, the setTimeout and clearTimeout that were the globals
 *    then (a fake-timer library may swap them), whatever is installed later
 *    (see alarm.ts). Its timer is always cleared by whoever made it.
 */

import type { Alarm } from './alarm.js';
import { AlarmHeap } from './alarm-heap.js';
import type { RuntimeHooks } from './hooks.js';

/** The longest delay a setTimeout holds; a longer one fires at once (Node) or wraps around. */
const MAX_TIMEOUT = 2 ** 31 - 1;

/** AlarmQueue holds one clock's pending alarms and arms one platform timer for the earliest. */
export class AlarmQueue {
  /** The pending alarms, earliest first. */
  private readonly heap = new AlarmHeap<Alarm>();
  /** The pending platform timer: a setTimeout's handle, or the hooks' own; undefined while none is. */
  private handle: unknown = undefined;
  /** The due time the pending timer was armed for; Infinity while none is pending. */
  private armedFor = Infinity;
  /** True while the callback rings due alarms: arming waits until it is done. */
  private running = false;
  /** The next alarm's tie-break: alarms due at the same time ring in the order they were set. */
  private seq = 0;
  /** The timer callback, bound once so that arming allocates no closure. */
  private readonly fire: () => void;

  /**
   * @param hooks - The hooks whose clock and timers this queue uses, or null for the platform's.
   * @param setTimer - The setTimeout this queue arms with when `hooks` is null.
   * @param clearTimer - The clearTimeout that cancels what `setTimer` made (and, under hooks, a handle the hooks' clearTimer does not know).
   */
  constructor(
    private readonly hooks: RuntimeHooks | null,
    private readonly setTimer: typeof setTimeout,
    private readonly clearTimer: typeof clearTimeout,
  ) {
    this.fire = () => this.ringDue();
  }

  /** This queue's monotonic clock, in milliseconds. */
  now(): number {
    const hooks = this.hooks;
    return hooks !== null ? hooks.now() : typeof performance !== 'undefined' ? performance.now() : Date.now(); // seam: clock
  }

  /** How many alarms are pending. */
  get size(): number {
    return this.heap.size;
  }

  /** Sets `alarm` to ring at `due`: it must not be in any queue (Go's `addtimer`). */
  add(alarm: Alarm, due: number): void {
    alarm.due = due;
    alarm.seq = this.seq++;
    alarm.queue = this;
    this.heap.push(alarm);
    if (due < this.armedFor && !this.running) this.arm(due);
  }

  /** Moves `alarm`, pending in this queue, to ring at `due` instead, as if set anew (Go's `modtimer`). */
  move(alarm: Alarm, due: number): void {
    alarm.due = due;
    alarm.seq = this.seq++;
    this.heap.fix(alarm);
    if (due < this.armedFor && !this.running) this.arm(due);
  }

  /** Takes `alarm`, pending in this queue, out: it will not ring (Go's `deltimer`). */
  remove(alarm: Alarm): void {
    this.heap.remove(alarm);
    alarm.queue = null;
    if (this.heap.size === 0 && this.handle !== undefined) this.disarm();
  }

  /**
   * The timer's callback (Go's `runtimer` loop): rings every alarm that was
   * set and due when it started, earliest first, then arms the timer for
   * the new head. The time is read once, as Go's `checkTimers` reads `now`
   * once, and an alarm set (or re-set) by a ring waits for the next timer
   * turn even when it is due already (`fence`): under a clock that stands
   * still (virtual time, or a browser's coarse `performance.now()`), an
   * afterFunc(0) that re-arms itself would otherwise ring for ever within
   * one callback, where one timer per alarm gave each ring a turn of its
   * own. Nothing is overtaken: the loop stops at the first such alarm, and
   * everything due after it rings after it, from the next turn.
   *
   * A ring that throws ends the loop: the `finally` arms the timer for the
   * head (at once when it is already due), and the exception leaves this
   * callback, uncaught, exactly as it left the alarm's own setTimeout before
   * there was a heap (Node's 'uncaughtException', a browser's 'error'
   * event, a test runner's report see the same throw). The alarms still due
   * ring from that next timer, in the same order, a macrotask later; none is
   * lost, and nothing is caught, wrapped or delayed for the one that threw.
   */
  private ringDue(): void {
    this.handle = undefined;
    this.armedFor = Infinity;
    const heap = this.heap;
    const now = this.now();
    const fence = this.seq;
    this.running = true;
    try {
      for (let head = heap.peek(); head !== undefined && head.due <= now && head.seq < fence; head = heap.peek()) {
        heap.remove(head);
        head.queue = null;
        head.ring();
      }
    } finally {
      this.running = false;
      const head = heap.peek();
      if (head !== undefined) this.arm(head.due);
    }
  }

  /** Arms the platform timer for `due`, replacing a pending one; a due time past arms a timer of 0 ms. */
  private arm(due: number): void {
    if (this.handle !== undefined) this.disarm();
    const left = due - this.now();
    const ms = left > 0 ? Math.min(Math.ceil(left), MAX_TIMEOUT) : 0;
    const hooks = this.hooks;
    // Called without a receiver: a browser's setTimeout takes none other than the global.
    const set = this.setTimer;
    this.handle = hooks === null ? set(this.fire, ms) : hooks.setTimer(this.fire, ms); // seam: timer arming
    this.armedFor = due;
  }

  /** Cancels the pending platform timer. A hooks' clearTimer that does not know the handle (it came from setTimeout) hands it to clearTimeout. */
  private disarm(): void {
    const hooks = this.hooks;
    const clear = this.clearTimer;
    if (hooks === null || !hooks.clearTimer(this.handle)) clear(this.handle as ReturnType<typeof setTimeout>); // seam: timer
    this.handle = undefined;
    this.armedFor = Infinity;
  }
}
