import { Weighted } from '@gochan/semaphore';

/*
 * RWMutex is a weighted semaphore as large as Go's limit on readers
 * (rwmutexMaxReaders, 2^30): a reader takes one unit, a writer takes them
 * all. The semaphore's FIFO gives Go's rule for free: a writer waiting for
 * the readers to leave is at the head of the queue, so readers that come
 * after it wait behind it.
 *
 * Invariants:
 *  - Either one writer or up to 2^30 readers hold the lock, never both.
 *  - Waiters are served in arrival order: a waiting writer holds back new
 *    readers; when it unlocks, the readers queued behind it (up to the next
 *    writer) all get the lock together.
 *  - `writer` and `readers` count the holders that have been told they
 *    hold the lock (set on grant, cleared by unlock/rUnlock); they only serve
 *    to report misuse with Go's text.
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
  readonly #sem: Weighted = new Weighted(MAX_READERS);
  /** Whether a writer holds the lock (see the invariants). */
  #writer = false;
  /** How many readers hold the lock (see the invariants). */
  #readers = 0;
  /** What lock() resolves to: disposing it unlocks. */
  readonly #unlocker: Disposable = { [Symbol.dispose]: () => this.unlock() };
  /** What rLock() resolves to: disposing it read-unlocks. */
  readonly #rUnlocker: Disposable = { [Symbol.dispose]: () => this.rUnlock() };
  /** lock() and rLock() results when granted at once: already resolved, shared. */
  readonly #locked: Promise<Disposable> = Promise.resolve(this.#unlocker);
  readonly #rLocked: Promise<Disposable> = Promise.resolve(this.#rUnlocker);
  /** Mark a waiter's grant and yield its unlocker; bound once. */
  readonly #grant = (): Disposable => {
    this.#writer = true;
    return this.#unlocker;
  };
  readonly #rGrant = (): Disposable => {
    this.#readers++;
    return this.#rUnlocker;
  };

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
    if (this.#sem.tryAcquire(MAX_READERS)) {
      this.#writer = true;
      return this.#locked;
    }
    return this.#sem.acquire(MAX_READERS, signal).then(this.#grant);
  }

  /**
   * tryLock acquires the lock for writing if nobody holds it or waits for
   * it, Go's `rw.TryLock()`; it never waits.
   *
   * @returns true if the lock was taken.
   */
  tryLock(): boolean {
    if (!this.#sem.tryAcquire(MAX_READERS)) return false;
    this.#writer = true;
    return true;
  }

  /**
   * unlock releases the write lock, Go's `rw.Unlock()`, and lets the
   * waiters that come next have it (the readers queued behind, together).
   *
   * @throws Error "sync: Unlock of unlocked RWMutex" (Go's fatal error) if
   *   no writer holds the lock.
   */
  unlock(): void {
    if (!this.#writer) throw new Error('sync: Unlock of unlocked RWMutex');
    this.#writer = false;
    this.#sem.release(MAX_READERS);
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
    if (this.#sem.tryAcquire(1)) {
      this.#readers++;
      return this.#rLocked;
    }
    return this.#sem.acquire(1, signal).then(this.#rGrant);
  }

  /**
   * tryRLock acquires the lock for reading if that needs no wait, Go's
   * `rw.TryRLock()`: it fails while a writer holds or waits for the lock.
   *
   * @returns true if a read lock was taken.
   */
  tryRLock(): boolean {
    if (!this.#sem.tryAcquire(1)) return false;
    this.#readers++;
    return true;
  }

  /**
   * rUnlock releases one read lock, Go's `rw.RUnlock()`; the last reader to
   * leave lets a waiting writer in.
   *
   * @throws Error "sync: RUnlock of unlocked RWMutex" (Go's fatal error) if
   *   no reader holds the lock.
   */
  rUnlock(): void {
    if (this.#readers === 0) throw new Error('sync: RUnlock of unlocked RWMutex');
    this.#readers--;
    this.#sem.release(1);
  }
}
