import { pace as importedPace } from '@gochan/channel';
import { LockQueue } from './lock-queue.js';

// pace as a module constant: the optimizing compiler folds a module's
// `const` into the code that calls it, but loads an import from its cell
// and checks it on every call (counted: 7 instructions a paced operation).
const pace = importedPace;

/*
 * Mutex is a LockQueue of size one (Go's sync.Mutex is a state word over
 * the runtime's semaphore; here the queue is both).
 *
 * Invariants:
 *  - At most one holder: the lock is the queue's single unit of weight.
 *  - Waiters are served first come, first served: unlock hands the unit to
 *    the oldest waiter in the same step, so a tryLock right after it fails
 *    while anyone waits (Go's starvation mode, always on). From that step
 *    the mutex is locked, as in Go, even before the waiter resumes.
 *  - An aborted lock() was never granted and left nothing queued.
 */

/**
 * Mutex is Go's `sync.Mutex`: a lock that one caller holds at a time, for
 * state that is read and changed across `await`s.
 *
 * Waiters are served first come, first served. `lock()` resolves to a
 * `Disposable`, so `using` can release it at the end of a block, as Go's
 * `defer mu.Unlock()` does.
 *
 * @example
 * ```ts
 * const mu = new Mutex();
 * {
 *   using _ = await mu.lock();   // mu.Lock(); defer mu.Unlock()
 *   balance = await read() + 10;
 * }
 * ```
 */
export class Mutex {
  /** The lock itself: one unit of weight, and the FIFO of those waiting for it. */
  readonly #queue: LockQueue = new LockQueue(1);
  /** What lock() resolves to: disposing it unlocks. One per mutex, so a lock allocates nothing. */
  readonly #unlocker: Disposable = { [Symbol.dispose]: () => this.unlock() };
  /** lock()'s result when the mutex was free: already resolved, shared. */
  readonly #granted: Promise<Disposable> = Promise.resolve(this.#unlocker);

  /**
   * lock acquires the mutex, waiting while another caller holds it, Go's
   * `mu.Lock()`. It resolves to a `Disposable` whose disposal unlocks, for
   * `using`; calling {@link Mutex.unlock} does the same.
   *
   * @param signal - Aborting it while lock() waits withdraws it: the promise
   *   rejects with `signal.reason` and the lock was not taken. An already
   *   aborted signal rejects at once, even when the mutex is free.
   */
  lock(signal?: AbortSignal): Promise<Disposable> {
    if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
    if (this.#queue.tryTake(1)) {
      // Taken without waiting: paced as a channel operation is (pace.ts), so
      // that a loop of uncontended locks still lets timers and I/O run, as
      // Go's scheduler preempts a goroutine that never blocks.
      const wait = pace();
      return wait === null ? this.#granted : this.#afterGate(wait);
    }
    return this.#queue.take(1, this.#unlocker, signal);
  }

  /** lock()'s result when held at pace()'s gate: the lock is taken; the caller resumes after the event loop's turn. */
  #afterGate(wait: Promise<void>): Promise<Disposable> {
    return wait.then(() => this.#unlocker);
  }

  /**
   * tryLock acquires the mutex if it is free and nobody waits for it, Go's
   * `mu.TryLock()`; it never waits.
   *
   * @returns true if the lock was taken.
   */
  tryLock(): boolean {
    return this.#queue.tryTake(1);
  }

  /**
   * unlock releases the mutex, Go's `mu.Unlock()`, handing it to the oldest
   * waiter if there is one. As in Go, any caller may unlock it, not only the
   * one that locked it.
   *
   * @throws Error "sync: unlock of unlocked mutex" (Go's fatal error) if the
   *   mutex is not locked.
   */
  unlock(): void {
    if (this.#queue.held === 0) throw new Error('sync: unlock of unlocked mutex');
    this.#queue.give(1);
  }
}
