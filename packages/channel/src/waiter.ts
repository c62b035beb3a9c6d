import type { SelectWait } from './select-wait.js';

/** What a parked operation is waiting to do; decides how it is woken. */
export const RECV = 0; // a recv(): settles with [value, ok]
export const NEXT = 1; // an async iterator's next(): settles with { value, done }
export const SEND = 2; // a send(): settles with undefined
export const CASE = 3; // one case of a select: its SelectWait settles the select
export const SHARED = 4; // one case of a select whose one-shot claim is external (claimed.ts): a CASE that must win that claim first
/**
 * What take() returns when the senders it found were all stale (SHARED
 * waiters whose select ran elsewhere). Callers test `typeof value !==
 * 'symbol' || value !== NONE`: the typeof is a map check, and it keeps the
 * comparison's type feedback to symbols, where the optimizing compiler
 * compares references; compared with numbers, say, a bare `value !== NONE`
 * is a call of the generic StrictEqual builtin on every receive (measured:
 * 14 M instructions in a million-value recv loop, absent before NONE).
 */
export const NONE: unique symbol = Symbol('none');
export type WaiterKind = typeof RECV | typeof NEXT | typeof SEND | typeof CASE | typeof SHARED;

/**
 * Waiter is one parked operation, Go's `sudog`: a receiver or sender queued on
 * a channel until a partner, a close or an abort settles it.
 *
 * Invariant: a waiter is in at most one queue (`queue`), and it is in a queue
 * exactly while its operation can still happen: whoever settles it (partner,
 * close, abort, or a sibling case of its select winning) unlinks it first.
 *
 * It is also its own `abort` listener (`handleEvent`), so an AbortSignal
 * costs no closure per operation.
 */
export class Waiter<T = unknown> {
  /** Neighbours in the queue, which is circular (the head's prev is the tail); null when not queued. */
  next: Waiter<T> | null = null;
  prev: Waiter<T> | null = null;
  /** The queue this waiter is linked into, or null once dequeued or removed. */
  queue: WaitQueue<T> | null = null;
  /** The operation's promise callbacks; unused for a select case (its SelectWait has them). */
  resolve: (value: any) => void = noop;
  reject: (reason: unknown) => void = noop;
  /** A plain operation's signal, listened to while parked. */
  signal: AbortSignal | undefined = undefined;

  constructor(
    readonly kind: WaiterKind,
    /** A sender's value; a receiver's is unused. */
    readonly value: T | undefined,
    /** For a select case: the select it belongs to, and the case's index. */
    readonly select: SelectWait | null,
    readonly index: number,
  ) {}

  /** An abort of a parked plain operation: it leaves its queue and did not happen. */
  handleEvent(): void {
    this.queue?.remove(this);
    this.reject((this.signal as AbortSignal).reason);
  }

  /** Stops listening to the signal; called once the operation is settled. */
  unlisten(): void {
    if (this.signal !== undefined) this.signal.removeEventListener('abort', this);
  }
}

/**
 * WaitQueue is Go's `waitq`: a FIFO of waiters as an intrusive doubly linked
 * list, so enqueue, dequeue and removal from the middle are all O(1).
 *
 * The list is circular and the queue holds only its head: the tail is
 * `head.prev`. A parked operation is new and a channel's queue is old, so
 * every store of a waiter into the queue object is a write barrier; holding
 * one end instead of two makes parking on an empty queue (an unbuffered
 * hand-off, a select, the usual park) one barrier instead of two, and costs
 * none elsewhere: behind other waiters, the new one is linked into its two
 * neighbours either way.
 */
export class WaitQueue<T = unknown> {
  /** The longest-waiting waiter, first to be served; null when empty. */
  head: Waiter<T> | null = null;

  /** The newest waiter; null when empty. */
  get tail(): Waiter<T> | null {
    const head = this.head;
    return head === null ? null : head.prev;
  }

  enqueue(waiter: Waiter<T>): void {
    waiter.queue = this;
    const head = this.head;
    if (head === null) {
      waiter.next = waiter.prev = waiter;
      this.head = waiter;
    } else {
      const tail = head.prev as Waiter<T>;
      waiter.prev = tail;
      waiter.next = head;
      tail.next = waiter;
      head.prev = waiter;
    }
  }

  /**
   * Unlinks and returns the longest-waiting waiter, or null. Small enough to
   * be inlined into every send and receive. A queue that has ever held a
   * waiter of a select whose claim is external (SHARED) is a SharedWaitQueue
   * (claimed.ts), whose dequeue wins that claim first: this one, of every
   * queue that never has, has no test for it.
   */
  dequeue(): Waiter<T> | null {
    const waiter = this.head;
    if (waiter === null) return null;
    const next = waiter.next as Waiter<T>;
    if (next === waiter) {
      this.head = null;
    } else {
      const tail = waiter.prev as Waiter<T>;
      tail.next = next;
      next.prev = tail;
      this.head = next;
    }
    waiter.next = waiter.prev = null;
    waiter.queue = null;
    return waiter;
  }

  /** Unlinks a waiter if it is still in this queue (a no-op otherwise). */
  remove(waiter: Waiter<T>): void {
    if (waiter.queue === this) this.unlink(waiter);
  }

  /** @internal Unlinks a waiter known to be in this queue. */
  unlink(waiter: Waiter<T>): void {
    const next = waiter.next as Waiter<T>;
    if (next === waiter) {
      this.head = null;
    } else {
      const prev = waiter.prev as Waiter<T>;
      prev.next = next;
      next.prev = prev;
      if (this.head === waiter) this.head = next;
    }
    waiter.next = waiter.prev = null;
    waiter.queue = null;
  }
}

function noop(): void {}

/** What a parked operation settles through: its promise's callbacks. */
interface Settles {
  resolve: (value: any) => void;
  reject: (reason: unknown) => void;
}

/** The promise executor of every parked operation, bound to the waiter (or select) it wires. */
function capture(this: Settles, resolve: (value: any) => void, reject: (reason: unknown) => void): void {
  this.resolve = resolve;
  this.reject = reject;
}

/**
 * Creates the promise a parked operation returns, wiring its callbacks into
 * `target`. The executor is bound to `target` rather than passing the
 * callbacks through module variables: the target was just made, so storing
 * into it needs no write barrier, where every store of a new function into
 * the long-lived module scope did (two a park).
 */
export function promiseFor<R>(target: Settles): Promise<R> {
  return new Promise<R>(capture.bind(target));
}
