import { currentHooks as importedCurrentHooks, pace as importedPace } from '@gochan/channel';

// pace and currentHooks as module constants: the optimizing compiler folds
// a module's `const` into the code that calls it, but loads an import from
// its cell and checks it on every call (counted: 7 instructions a paced
// operation).
const pace = importedPace;
const currentHooks = importedCurrentHooks;

/*
 * LockQueue is what Go's sync.Mutex and RWMutex park on: the runtime's
 * semaphore (runtime/sema.go), here a count of weight in use and one FIFO
 * of waiters. It differs from @gochan/semaphore's Weighted in one way that
 * matters for speed: a waiter is resolved with the value its lock() returns
 * (the Disposable that unlocks), in the same step that hands it the weight,
 * so a contended lock costs one promise and one resumption, not a second
 * `.then` to mark the grant.
 *
 * Invariants:
 *  - 0 <= held <= size: weight is handed out only when it fits.
 *  - Waiters are served strictly in order: while the oldest does not fit,
 *    no younger one is served (Go's starvation mode, always on), so
 *    tryTake fails while anyone waits.
 *  - Whenever weight is given back or the oldest waiter withdraws, the
 *    waiters that now fit are served at once, oldest first; a served
 *    waiter's weight counts as held from that step on, before it resumes.
 *  - A waiter is queued exactly while it can still be served; an abort
 *    unlinks it and stops listening in the same step.
 */

/**
 * One parked lock: a node of the intrusive FIFO, and its own abort listener.
 * Its fields are assigned in the constructor, not declared as class fields,
 * which V8 defines more slowly (the channel's waiters measured the same).
 */
class Waiter {
  /** Neighbours in the queue; null at the ends, and once unlinked. */
  declare next: Waiter | null;
  declare prev: Waiter | null;
  /** The queue the waiter is in; null once served or withdrawn. */
  declare queue: LockQueue | null;
  /** The weight asked for. */
  declare readonly n: number;
  /** What the lock resolves to once served. */
  declare readonly value: unknown;
  /** The lock's signal, listened to while queued. */
  declare readonly signal: AbortSignal | undefined;
  /** The lock's promise callbacks, and the promise itself. */
  declare readonly resolve: (value: unknown) => void;
  declare readonly reject: (reason: unknown) => void;
  declare readonly promise: Promise<any>;

  constructor(n: number, value: unknown, signal: AbortSignal | undefined, queue: LockQueue, prev: Waiter | null) {
    this.next = null;
    this.prev = prev;
    this.queue = queue;
    this.n = n;
    this.value = value;
    this.signal = signal;
    // One executor shared by every waiter, bound to this one (see capture).
    this.promise = new Promise(capture.bind(this));
  }

  /** The signal aborted: leave the queue; the lock was not taken. */
  handleEvent(): void {
    this.queue?.withdraw(this);
  }
}

/** Options for an abort listener; shared so that listening allocates no options object. */
const ONCE: AddEventListenerOptions = Object.freeze({ once: true });

/** A weighted FIFO lock with direct hand-off; see the invariants above. */
export class LockQueue {
  /** The weight held now, by holders and by served waiters not yet resumed. */
  held = 0;
  /** The oldest waiter, first to be served, and the newest; null when none waits. */
  #head: Waiter | null = null;
  #tail: Waiter | null = null;

  /** @param size - The total weight; a waiter never asks for more. */
  constructor(readonly size: number) {}

  /** Takes `n` if it fits now and nobody waits; never parks. */
  tryTake(n: number): boolean {
    if (this.#head !== null || this.size - this.held < n) return false;
    this.held += n;
    return true;
  }

  /**
   * Parks until `n` is handed over, then resolves to `value`. The caller
   * has already tried {@link LockQueue.tryTake} and checked the signal.
   */
  take<V>(n: number, value: V, signal: AbortSignal | undefined): Promise<V> {
    const tail = this.#tail;
    const waiter = new Waiter(n, value, signal, this, tail);
    if (tail === null) this.#head = waiter;
    else tail.next = waiter;
    this.#tail = waiter;
    if (signal !== undefined) signal.addEventListener('abort', waiter, ONCE);
    const hooks = currentHooks(); // seam: park (Go 1.19's semacquire, as a Mutex's wait is named in its dump)
    return hooks === null ? waiter.promise : hooks.park(waiter.promise, 'semacquire', this);
  }

  /** Gives back `n` (the caller checked it is held) and serves those that now fit. */
  give(n: number): void {
    this.held -= n;
    this.#serve();
  }

  /** An aborted waiter leaves; if it was the oldest, those behind it may fit now. */
  withdraw(waiter: Waiter): void {
    const wasHead = this.#head === waiter;
    this.#unlink(waiter);
    waiter.reject((waiter.signal as AbortSignal).reason);
    if (wasHead) this.#serve();
  }

  /** Serves waiters in order while the oldest fits. State first: each is unlinked and counted before it is woken. */
  #serve(): void {
    let waiter: Waiter | null;
    while ((waiter = this.#head) !== null && this.size - this.held >= waiter.n) {
      this.held += waiter.n;
      this.#unlink(waiter);
      if (waiter.signal !== undefined) waiter.signal.removeEventListener('abort', waiter);
      // While pace()'s gate is open, locks taken at once resume after it; a
      // waiter served now resumes after it too, behind them, so that holders
      // resume in the order they were granted.
      const wait = pace();
      if (wait === null) waiter.resolve(waiter.value);
      else resumeAfter(wait, waiter);
    }
  }

  #unlink(waiter: Waiter): void {
    const { prev, next } = waiter;
    if (prev === null) this.#head = next;
    else prev.next = next;
    if (next === null) this.#tail = prev;
    else next.prev = prev;
    waiter.next = waiter.prev = null;
    waiter.queue = null;
  }
}


/** Resolves a served waiter once pace()'s gate opens (a function of its own: the serve loop's variable moves on). */
function resumeAfter(wait: Promise<void>, waiter: Waiter): void {
  void wait.then(() => waiter.resolve(waiter.value));
}

/**
 * The promise executor of every parked lock, bound to the Waiter being built:
 * it stores the callbacks into that new Waiter, which needs no write barrier,
 * rather than into module variables, which are old and took two a park (as
 * @gochan/channel's promiseFor, measured there).
 */
function capture(this: { resolve: (value: any) => void; reject: (reason: unknown) => void }, resolve: (value: any) => void, reject: (reason: unknown) => void): void {
  this.resolve = resolve;
  this.reject = reject;
}
