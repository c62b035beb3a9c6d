import { WaiterList, currentHooks } from '@gochan/channel';

/*
 * Cond follows Go's sync.Cond: a Locker and a notify list (the runtime's
 * notifyList, runtime/sema.go), here an intrusive FIFO of parked waits.
 *
 * Invariants:
 *  - A wait joins the list before it unlocks `l` (Go's notifyListAdd comes
 *    before L.Unlock), so no signal between the two is missed.
 *  - The list holds exactly the waits that no signal, broadcast or abort
 *    has woken yet, oldest first: signal wakes the head, broadcast every
 *    one on the list now (a wait that joins later is not woken by it).
 *  - Whichever way wait() settles (woken, or its signal aborted), it has
 *    locked `l` again first, as Go's Wait returns holding c.L, so that the
 *    caller's `finally { unlock() }` is always right.
 */

/**
 * Locker is Go's `sync.Locker`: something that can be locked and unlocked,
 * as {@link Mutex} and {@link RWMutex} can ({@link RWMutex.rLocker} for
 * the read side). `lock` may resolve to anything; Cond only awaits it.
 */
export interface Locker {
  /** Locks, waiting while another holds the lock: Go's `Lock()`. */
  lock(): Promise<unknown>;
  /** Unlocks: Go's `Unlock()`. */
  unlock(): void;
}

/** One parked wait: a node of the list, its promise's callbacks, and its own abort listener. */
class Waiter {
  declare next: Waiter | null;
  declare prev: Waiter | null;
  /** The list that holds it; null once woken or withdrawn. */
  declare list: NotifyList | null;
  declare readonly signal: AbortSignal | undefined;
  declare resolve: () => void;
  declare reject: (reason: unknown) => void;
  declare readonly promise: Promise<void>;

  constructor(signal: AbortSignal | undefined) {
    this.next = this.prev = null;
    this.list = null;
    this.signal = signal;
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** The signal aborted: leave the list; wait() locks again, then rejects. */
  handleEvent(): void {
    if (this.list === null) return;
    this.list.remove(this);
    this.reject((this.signal as AbortSignal).reason);
  }
}

/** Go's notifyList: the parked waits, oldest first (O(1) each way). */
class NotifyList extends WaiterList<Waiter> {}

/**
 * Cond is Go's `sync.Cond` (`sync.NewCond(l)`): a rendezvous for tasks
 * waiting for a condition on state that `l` guards. A waiter holds `l`,
 * checks the condition, and calls {@link Cond.wait} while it is false;
 * whoever changes the state calls {@link Cond.signal} or
 * {@link Cond.broadcast}.
 *
 * As in Go, `wait` unlocks `l` while it waits and locks it again before it
 * resolves, and a woken waiter cannot assume the condition holds (another
 * task may have run first): check it in a loop. Waiters are woken oldest
 * first. In most code a channel says the same more simply; Cond is for
 * the programs that already have a lock and many waiters.
 *
 * @example
 * ```ts
 * const mu = new Mutex();
 * const ready = new Cond(mu);          // ready := sync.NewCond(&mu)
 * await mu.lock();
 * while (queue.length === 0) await ready.wait();
 * const item = queue.shift();
 * mu.unlock();
 * // elsewhere: await mu.lock(); queue.push(x); ready.signal(); mu.unlock();
 * ```
 */
export class Cond {
  /** The lock that guards the condition, Go's `c.L`: held around every check and change, and by wait's caller. */
  readonly l: Locker;
  /** The parked waits, oldest first (Go's c.notify). */
  readonly #list: NotifyList = new NotifyList();

  /**
   * Creates a Cond over `l`, Go's `sync.NewCond(l)`.
   *
   * @throws TypeError if `l` has no `lock` and `unlock`.
   */
  constructor(l: Locker) {
    if (l === null || typeof l !== 'object' || typeof l.lock !== 'function' || typeof l.unlock !== 'function') {
      throw new TypeError('Expected `l` to be a Locker (with lock() and unlock())');
    }
    this.l = l;
  }

  /**
   * wait unlocks `l`, waits until {@link Cond.signal} or
   * {@link Cond.broadcast} wakes it, and locks `l` again before it
   * resolves: Go's `c.Wait()`. The caller must hold `l`.
   *
   * @param signal - Optional (not in Go): aborting it while wait waits
   *   withdraws it; `l` is locked again, then the promise rejects with
   *   `signal.reason`.
   * @throws Error (as a rejection) if `l` is not locked: the Locker's own
   *   error, such as Go's "sync: unlock of unlocked mutex".
   */
  async wait(signal?: AbortSignal): Promise<void> {
    if (signal !== undefined && signal.aborted) throw signal.reason;
    const waiter = new Waiter(signal);
    this.#list.push(waiter); // before the unlock, as Go's notifyListAdd
    try {
      this.l.unlock();
    } catch (error) {
      this.#list.remove(waiter);
      throw error;
    }
    if (signal !== undefined) signal.addEventListener('abort', waiter, { once: true });
    const hooks = currentHooks(); // seam: park (Go's "sync.Cond.Wait")
    try {
      await (hooks === null ? waiter.promise : hooks.park(waiter.promise, 'sync.Cond.Wait', this));
    } finally {
      signal?.removeEventListener('abort', waiter);
      await this.l.lock();
    }
  }

  /** signal wakes the oldest waiting task, if any, Go's `c.Signal()`. The caller may hold `l`, or not. */
  signal(): void {
    const waiter = this.#list.head;
    if (waiter === null) return;
    this.#list.remove(waiter);
    waiter.resolve();
  }

  /** broadcast wakes every task waiting now, oldest first, Go's `c.Broadcast()`. A wait that begins after it is not woken. */
  broadcast(): void {
    // State first: the list is emptied, then each waiter is woken.
    const list = this.#list;
    let waiter = list.head;
    list.head = list.tail = null;
    while (waiter !== null) {
      const next: Waiter | null = waiter.next;
      waiter.next = waiter.prev = null;
      waiter.list = null;
      waiter.resolve();
      waiter = next;
    }
  }
}
