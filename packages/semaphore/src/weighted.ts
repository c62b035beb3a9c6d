import { WaiterList, currentHooks as importedCurrentHooks, describe, pace as importedPace } from '@gochan/channel';

// pace and currentHooks as module constants: the optimizing compiler folds
// a module's `const` into the code that calls it, but loads an import from
// its cell and checks it on every call (counted: 7 instructions a paced
// operation).
const pace = importedPace;
const currentHooks = importedCurrentHooks;

/*
 * Weighted follows golang.org/x/sync/semaphore: a count of weight in use,
 * and one FIFO of waiters, each asking for some weight.
 *
 * Invariants:
 *  - 0 <= current <= size: weight is taken only when it fits, and a release
 *    of more than is held throws and changes nothing.
 *  - Waiters are served strictly in order: while the oldest waiter does not
 *    fit, no younger one is served, however small (a large waiter is not
 *    starved by a stream of small ones). So `tryAcquire` fails while anyone
 *    waits.
 *  - The oldest waiter does not fit: whenever weight is freed or the oldest
 *    waiter leaves, the waiters that now fit are served at once, in order.
 *  - A waiter is queued exactly while its acquire can still succeed; an
 *    abort unlinks it and removes its listener in the same step, and a
 *    waiter that asks for more than the size is never queued.
 */

/**
 * One parked acquire: a node of the intrusive FIFO, and its own abort
 * listener. Fields are assigned in the constructor rather than declared as
 * class fields (which V8 defines more slowly), and the promise is made with
 * one shared executor (`capture`), so an acquire that waits allocates its
 * waiter and its promise, and no closure.
 */
class Waiter {
  /** Neighbours in the queue; null at the ends, and once unlinked. */
  declare next: Waiter | null;
  declare prev: Waiter | null;
  /** The list the waiter is in; null once served or withdrawn. */
  declare list: WaitList | null;
  /** The weight asked for. */
  declare readonly n: number;
  /** The acquire's signal, listened to while queued. */
  declare readonly signal: AbortSignal | undefined;
  /** The acquire's promise and its callbacks. */
  declare readonly promise: Promise<void>;
  declare readonly resolve: () => void;
  declare readonly reject: (reason: unknown) => void;

  constructor(n: number, signal: AbortSignal | undefined) {
    this.next = null;
    this.prev = null;
    this.list = null;
    this.n = n;
    this.signal = signal;
    this.promise = new Promise<void>(capture);
    this.resolve = capturedResolve;
    this.reject = capturedReject;
  }

  /** The signal aborted: leave the queue; the acquire did not happen. */
  handleEvent(): void {
    const queue = this.list;
    if (queue === null) {
      // Never queued (doomed) or already served: only a doomed one is still listening.
      this.reject((this.signal as AbortSignal).reason);
      return;
    }
    const wasHead = queue.head === this;
    queue.remove(this);
    this.reject((this.signal as AbortSignal).reason);
    // The oldest waiter left: those behind it may fit now (Go's notifyWaiters in Acquire).
    if (wasHead) queue.headLeft();
  }
}

/** The FIFO of waiters (O(1) enqueue, dequeue and withdrawal), and what to do when the oldest withdraws. */
class WaitList extends WaiterList<Waiter> {
  /** @param headLeft - Called when the oldest waiter withdraws. */
  constructor(readonly headLeft: () => void) {
    super();
  }
}

/** A promise resolved at once, shared: an acquire that does not wait allocates nothing. */
const RESOLVED: Promise<void> = Promise.resolve();
/** Options for an abort listener; shared so that listening allocates no options object. */
const ONCE: AddEventListenerOptions = Object.freeze({ once: true });

/**
 * Weighted is Go's `semaphore.Weighted` (golang.org/x/sync/semaphore,
 * `semaphore.NewWeighted(n)`): a pool of `size` units of weight that
 * callers acquire and release, to bound how much work runs at once (a
 * weight per task, or per byte of memory it needs).
 *
 * Waiters are served first come, first served: a waiter asking for more
 * than is free holds back the smaller ones behind it, so it is never
 * starved; if it gives up (its signal aborts), those behind it go through.
 *
 * @example
 * ```ts
 * const sem = new Weighted(4);             // sem := semaphore.NewWeighted(4)
 * await sem.acquire(1, ctx.signal);        // sem.Acquire(ctx, 1)
 * try {
 *   await work();
 * } finally {
 *   sem.release(1);                        // defer sem.Release(1)
 * }
 * ```
 */
export class Weighted {
  /** The total weight, fixed at construction. */
  readonly #size: number;
  /** The weight held by callers now; moved by acquires that succeed and by release. */
  #current = 0;
  /** The acquires waiting for weight, oldest first. */
  readonly #waiters: WaitList = new WaitList(() => this.#serve());

  /**
   * Creates a semaphore with `size` units of weight, Go's
   * `semaphore.NewWeighted(n)`.
   *
   * @throws RangeError if `size` is not a non-negative safe integer.
   */
  constructor(size: number) {
    checkWeight('size', size);
    this.#size = size;
  }

  /**
   * acquire takes `n` units of weight, waiting until they are free, Go's
   * `s.Acquire(ctx, n)`. Waiters are served in the order they began to
   * wait. An acquire of more than the size can never succeed: it waits
   * until its signal aborts (for ever without one), without holding back
   * anyone else.
   *
   * @param n - The weight to take.
   * @default 1
   * @param signal - Aborting it while the acquire waits withdraws it: the
   *   promise rejects with `signal.reason` and nothing was taken. An already
   *   aborted signal rejects at once, even when the weight is free (as Go
   *   checks `ctx.Done()` first).
   * @throws RangeError if `n` is not a non-negative safe integer.
   */
  acquire(n: number = 1, signal?: AbortSignal): Promise<void> {
    checkWeight('n', n);
    if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
    if (this.#size - this.#current >= n && this.#waiters.head === null) {
      this.#current += n;
      // Paced as a channel operation is (pace.ts), so that a loop of
      // acquires that never wait still lets timers and I/O run.
      const wait = pace();
      return wait === null ? RESOLVED : wait.then(noop);
    }
    const waiter = new Waiter(n, signal);
    // Doomed (more than the size): it waits for the abort but is never
    // queued, so no one waits behind it; its handleEvent finds no queue.
    if (n <= this.#size) this.#waiters.push(waiter);
    if (signal !== undefined) signal.addEventListener('abort', waiter, ONCE);
    const hooks = currentHooks(); // seam: park (Go's semacquire)
    return hooks === null ? waiter.promise : hooks.park(waiter.promise, 'semacquire', this);
  }

  /**
   * tryAcquire takes `n` units of weight if they are free now and nobody is
   * waiting, Go's `s.TryAcquire(n)`; it never waits.
   *
   * @param n - The weight to take.
   * @default 1
   * @returns true if the weight was taken, false if nothing was.
   * @throws RangeError if `n` is not a non-negative safe integer.
   */
  tryAcquire(n: number = 1): boolean {
    checkWeight('n', n);
    if (this.#size - this.#current >= n && this.#waiters.head === null) {
      this.#current += n;
      return true;
    }
    return false;
  }

  /**
   * release gives back `n` units of weight, Go's `s.Release(n)`, and serves
   * the waiters that now fit, oldest first.
   *
   * @param n - The weight to give back.
   * @default 1
   * @throws Error "semaphore: released more than held" (Go's panic) if more
   *   than the weight in use is released; nothing changes then.
   * @throws RangeError if `n` is not a non-negative safe integer.
   */
  release(n: number = 1): void {
    checkWeight('n', n);
    if (n > this.#current) throw new Error('semaphore: released more than held');
    this.#current -= n;
    this.#serve();
  }

  /** Serves the waiters that fit, oldest first, stopping at the first that does not. State first: each is unlinked and counted before it is woken. */
  #serve(): void {
    const waiters = this.#waiters;
    let waiter: Waiter | null;
    while ((waiter = waiters.head) !== null && this.#size - this.#current >= waiter.n) {
      this.#current += waiter.n;
      waiters.remove(waiter);
      if (waiter.signal !== undefined) waiter.signal.removeEventListener('abort', waiter);
      // While pace()'s gate is open, acquires granted at once resume after
      // it; a waiter served now resumes after it too, behind them, so that
      // callers resume in the order they were granted (FIFO, as observed).
      const wait = pace();
      if (wait === null) waiter.resolve();
      else void wait.then(waiter.resolve);
    }
  }
}

function checkWeight(name: string, value: unknown): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new RangeError(`Expected \`${name}\` to be a non-negative safe integer, got ${describe(value)}`);
  }
}

function noop(): void {}

let capturedResolve: () => void = noop;
let capturedReject: (reason: unknown) => void = noop;
/** The promise executor shared by every waiting acquire: it hands its callbacks to the Waiter being built. */
function capture(resolve: () => void, reject: (reason: unknown) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}
