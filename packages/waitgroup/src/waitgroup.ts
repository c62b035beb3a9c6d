import { currentHooks, describe, pace as importedPace } from '@gochan/channel';

// pace as a module constant: the optimizing compiler folds a module's
// `const` into the code that calls it, but loads an import from its cell
// and checks it on every call (counted: 7 instructions a paced operation).
const pace = importedPace;

/** wait()'s result on an idle group: resolved, shared, so that it allocates nothing. */
const RESOLVED: Promise<void> = Promise.resolve();

// WaitGroup: Go's sync.WaitGroup on a single-threaded event loop.
//
// Invariants:
// - `count` is never negative: an add() that would make it so throws and
//   changes nothing.
// - Waiters exist only while `count > 0`: the add() that brings the count to
//   zero empties the set of waiters before it wakes any of them, so a new
//   add() in the same turn starts a new round that those waiters do not see.
// - An aborted wait() is no longer in the set of waiters, and nothing it
//   registered on its signal remains.

/**
 * WaitGroup waits for a collection of tasks to finish, like Go's
 * `sync.WaitGroup`.
 *
 * Call {@link WaitGroup.add} before starting each task (not inside it), have
 * each task call {@link WaitGroup.done} when it finishes, and `await`
 * {@link WaitGroup.wait} to wait until the count is back to zero.
 * {@link WaitGroup.go} does the three in one call.
 *
 * @example
 * ```ts
 * import { WaitGroup } from '@gochan/waitgroup';
 *
 * const wg = new WaitGroup();
 * for (const ms of [30, 10, 20]) {
 *   wg.go(async () => {
 *     await new Promise((resolve) => setTimeout(resolve, ms));
 *     console.log(`slept ${ms} ms`);
 *   });
 * }
 * await wg.wait(); // after the three lines are printed
 * ```
 */
export class WaitGroup {
  /** The number of tasks not yet done; moved only by add(). */
  #count = 0;

  /**
   * Release functions of the wait() calls parked while `#count > 0`.
   * Replaced by an empty set when the count reaches zero; a wait() aborted
   * by its signal removes its own entry.
   */
  #waiters = new Set<() => void>();

  /**
   * count is the counter: the number of tasks added and not yet done.
   * Go keeps it private; it is here for logs and tests.
   */
  get count(): number {
    return this.#count;
  }

  /**
   * add adds `delta`, which may be negative, to the counter, like Go's
   * `wg.Add(delta)`. When the counter reaches zero, every pending
   * {@link WaitGroup.wait} resolves.
   *
   * Call `add` with a positive delta *before* starting the task it counts,
   * not from inside the task: otherwise a `wait` may see zero and return
   * before the task has even begun.
   *
   * @param delta - How much to add to the counter.
   * @default 1
   * @throws Error "sync: negative WaitGroup counter" when the counter would
   *   go below zero; the counter is then left unchanged.
   * @throws RangeError when `delta` is not a safe integer.
   */
  add(delta = 1): void {
    if (!Number.isSafeInteger(delta)) {
      throw new RangeError(`Expected \`delta\` to be an integer, got ${describe(delta)}`);
    }
    const count = this.#count + delta;
    if (count < 0) {
      throw new Error('sync: negative WaitGroup counter');
    }
    this.#count = count;
    if (count > 0 || this.#waiters.size === 0) {
      return;
    }
    // State first, then wake: the next round starts with no waiters even if
    // add() is called again before the released promises settle.
    const waiters = this.#waiters;
    this.#waiters = new Set();
    for (const release of waiters) {
      release();
    }
  }

  /**
   * done decrements the counter by one, like Go's `wg.Done()`: a task calls
   * it when it finishes.
   *
   * @throws Error "sync: negative WaitGroup counter" when called more often
   *   than tasks were added.
   */
  done(): void {
    this.add(-1);
  }

  /**
   * wait resolves when the counter is zero, like Go's `wg.Wait()`. It
   * resolves at once when the counter already is zero.
   *
   * The group can be reused: once a `wait` has resolved, tasks added later
   * belong to a new round that a new `wait` waits for.
   *
   * @param signal - Stops waiting when aborted: the promise rejects with
   *   `signal.reason` and no listener is left on the signal. An already
   *   aborted signal rejects even when the counter is zero, so a cancelled
   *   caller never proceeds as if the tasks had finished.
   */
  wait(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) {
      return Promise.reject(signal.reason);
    }
    if (this.#count === 0) {
      // Paced as a channel operation is (pace.ts): a loop that waits on an
      // idle group must still let timers and I/O run.
      const wait = pace();
      return wait === null ? RESOLVED : wait.then(noop);
    }
    const promise = new Promise<void>((resolve, reject) => {
      if (signal === undefined) {
        this.#waiters.add(resolve);
        return;
      }
      const waiters = this.#waiters;
      const release = (): void => {
        signal.removeEventListener('abort', abort);
        resolve();
      };
      const abort = (): void => {
        waiters.delete(release);
        reject(signal.reason);
      };
      waiters.add(release);
      signal.addEventListener('abort', abort, { once: true });
    });
    const hooks = currentHooks(); // seam: park (Go's runtime_SemacquireWaitGroup)
    return hooks === null ? promise : hooks.park(promise, 'sync.WaitGroup.Wait', this);
  }

  /**
   * go runs `fn` as one more task of the group, like Go 1.25's `wg.Go(f)`:
   * it adds one to the counter, calls `fn` at once, and calls
   * {@link WaitGroup.done} when `fn` returns or, if it returns a promise,
   * when that promise settles.
   *
   * The counter is right whatever `fn` does. An error `fn` throws or its
   * promise rejects with is not caught by `go` and not turned into a
   * result: as a panic in a goroutine is not the caller's, it is reported the
   * way the platform reports an unhandled promise rejection (Node prints it
   * and exits by default; browsers log it). Handle errors inside `fn` when
   * they are expected.
   *
   * @example
   * ```ts
   * import { WaitGroup } from '@gochan/waitgroup';
   *
   * const wg = new WaitGroup();
   * const pages: string[] = [];
   * for (const name of ['a', 'b', 'c']) {
   *   wg.go(async () => {
   *     pages.push(await Promise.resolve(`page ${name}`));
   *   });
   * }
   * await wg.wait();
   * console.log(pages.length); // 3
   * ```
   */
  go(fn: () => unknown): void {
    if (typeof fn !== 'function') {
      throw new TypeError(`Expected \`fn\` to be a function, got ${describe(fn)}`);
    }
    this.add(1);
    let result: unknown;
    try {
      result = fn();
    } catch (error) {
      this.done();
      void Promise.reject(error);
      return;
    }
    if (!isThenable(result)) {
      this.done();
      return;
    }
    // The rejection handler rethrows after done(): the returned promise is
    // left unhandled on purpose, so the error is reported, not swallowed.
    void Promise.resolve(result).then(
      () => this.done(),
      (error: unknown) => {
        this.done();
        throw error;
      },
    );
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function noop(): void {}
