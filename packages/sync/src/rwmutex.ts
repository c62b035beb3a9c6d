import { pace as importedPace } from '@gochan/channel';
import type { Locker } from './cond.js';
import { LockQueue } from './lock-queue.js';

// pace as a module constant: the optimizing compiler folds a module's
// `const` into the code that calls it, but loads an import from its cell
// and checks it on every call (counted: 7 instructions a paced operation).
const pace = importedPace;

/*
 * RWMutex is a LockQueue as large as Go's limit on readers
 * (rwmutexMaxReaders, 2^30): a reader takes one unit, a writer takes them
 * all. The queue's FIFO gives Go's rule for free: a writer waiting for
 * the readers to leave is at the head of the queue, so readers that come
 * after it wait behind it.
 *
 * Invariants:
 *  - Either one writer or up to 2^30 readers hold the lock, never both.
 *  - Waiters are served in arrival order: a waiting writer holds back new
 *    readers; when it unlocks, the readers queued behind it (up to the next
 *    writer) all get the lock together.
 *  - The weight held says who holds the lock: all of it, a writer; less,
 *    that many readers. A waiter holds from the step it is served, before
 *    it resumes, as in Go.
 */

/** Go's rwmutexMaxReaders: the weight a writer takes. */
const MAX_READERS = 2 ** 30;

/**
 * RWMutex is Go's `sync.RWMutex`: a lock held by one writer, or by any
 * number of readers at once.
 *
 * As in Go, once a writer waits, readers that call {@link RWMutex.rLock}
 * after it wait until it has had the lock, so a stream of readers cannot
 * starve writers. Waiters are served in arrival order. `lock()` and
 * `rLock()` resolve to a `Disposable`, so `using` releases the lock at the
 * end of a block.
 *
 * @example
 * ```ts
 * const mu = new RWMutex();
 * {
 *   using _ = await mu.rLock();  // mu.RLock(); defer mu.RUnlock()
 *   console.log(cache.get(key));
 * }
 * ```
 */
export class RWMutex {
  /** The lock: MAX_READERS units of weight and the FIFO of those waiting. */
  readonly #queue: LockQueue = new LockQueue(MAX_READERS);
  /** What lock() resolves to: disposing it unlocks. */
  readonly #unlocker: Disposable = { [Symbol.dispose]: () => this.unlock() };
  /** What rLock() resolves to: disposing it read-unlocks. */
  readonly #rUnlocker: Disposable = { [Symbol.dispose]: () => this.rUnlock() };
  /** lock() and rLock() results when granted at once: already resolved, shared. */
  readonly #locked: Promise<Disposable> = Promise.resolve(this.#unlocker);
  readonly #rLocked: Promise<Disposable> = Promise.resolve(this.#rUnlocker);

  /**
   * lock acquires the lock for writing, Go's `rw.Lock()`: it waits until no
   * reader or writer holds it, and blocks readers that come after it.
   *
   * @param signal - Aborting it while lock() waits withdraws it (the readers
   *   it held back go on): the promise rejects with `signal.reason`. An
   *   already aborted signal rejects at once, even when the lock is free.
   */
  lock(signal?: AbortSignal): Promise<Disposable> {
    if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
    if (this.#queue.tryTake(MAX_READERS)) {
      const wait = pace(); // paced as Mutex.lock is
      return wait === null ? this.#locked : afterGate(wait, this.#unlocker);
    }
    return this.#queue.take(MAX_READERS, this.#unlocker, signal);
  }

  /**
   * tryLock acquires the lock for writing if nobody holds it or waits for
   * it, Go's `rw.TryLock()`; it never waits.
   *
   * @returns true if the lock was taken.
   */
  tryLock(): boolean {
    return this.#queue.tryTake(MAX_READERS);
  }

  /**
   * unlock releases the write lock, Go's `rw.Unlock()`, and lets the
   * waiters that come next have it (the readers queued behind, together).
   *
   * @throws Error "sync: Unlock of unlocked RWMutex" (Go's fatal error) if
   *   no writer holds the lock.
   */
  unlock(): void {
    if (this.#queue.held !== MAX_READERS) throw new Error('sync: Unlock of unlocked RWMutex');
    this.#queue.give(MAX_READERS);
  }

  /**
   * rLock acquires the lock for reading, Go's `rw.RLock()`: at once while
   * only readers hold it and no writer waits; otherwise after the writers
   * ahead of it.
   *
   * @param signal - As for {@link RWMutex.lock}.
   */
  rLock(signal?: AbortSignal): Promise<Disposable> {
    if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
    if (this.#queue.tryTake(1)) {
      const wait = pace(); // paced as Mutex.lock is
      return wait === null ? this.#rLocked : afterGate(wait, this.#rUnlocker);
    }
    return this.#queue.take(1, this.#rUnlocker, signal);
  }

  /**
   * tryRLock acquires the lock for reading if that needs no wait, Go's
   * `rw.TryRLock()`: it fails while a writer holds or waits for the lock.
   *
   * @returns true if a read lock was taken.
   */
  tryRLock(): boolean {
    return this.#queue.tryTake(1);
  }

  /**
   * rLocker returns a {@link Locker} whose `lock` and `unlock` are this
   * RWMutex's `rLock` and `rUnlock`, Go's `rw.RLocker()`: for a
   * {@link Cond} over the read side.
   */
  rLocker(): Locker {
    return { lock: () => this.rLock(), unlock: () => this.rUnlock() };
  }

  /**
   * rUnlock releases one read lock, Go's `rw.RUnlock()`; the last reader to
   * leave lets a waiting writer in.
   *
   * @throws Error "sync: RUnlock of unlocked RWMutex" (Go's fatal error) if
   *   no reader holds the lock.
   */
  rUnlock(): void {
    const held = this.#queue.held;
    if (held === 0 || held === MAX_READERS) throw new Error('sync: RUnlock of unlocked RWMutex');
    this.#queue.give(1);
  }
}

/** A lock taken at once but held at pace()'s gate: resolves to its unlocker after the event loop's turn. */
function afterGate(wait: Promise<void>, unlocker: Disposable): Promise<Disposable> {
  return wait.then(() => unlocker);
}
