import { describe, pace as importedPace } from '@gochan/channel';

// pace as a module constant: the optimizing compiler folds a module's
// `const` into the code that calls it, but loads an import from its cell
// and checks it on every call (counted: 7 instructions a paced operation).
const pace = importedPace;

/*
 * Once, onceFunc and onceValue: Go's sync.Once and its Go 1.21 helpers.
 *
 * Invariants:
 *  - `fn` is called at most once per Once, by the first do().
 *  - Every do() resolves only once that first call has settled; only the
 *    first caller sees its error, as only the goroutine that ran f sees its
 *    panic in Go.
 *  - onceFunc/onceValue forget `fn` after the call, so what it holds can be
 *    collected (as Go sets f to nil).
 */

/**
 * Once is Go's `sync.Once`: it runs a function exactly once, however many
 * callers ask, for lazy set-up shared across tasks.
 *
 * @example
 * ```ts
 * const once = new Once();
 * let config: Config | undefined;
 * const load = () => once.do(async () => (config = await readConfig()));
 * await Promise.all([load(), load()]); // readConfig ran once
 * ```
 */
export class Once {
  /** Settles (always fulfilled) once the first call's fn has settled; undefined until do() is first called. */
  #done: Promise<void> | undefined = undefined;

  /**
   * do calls `fn` if and only if this is the first call of `do` on this
   * Once, Go's `once.Do(f)`; `fn` may be sync or async. Every call resolves
   * once that first call has settled, so no caller proceeds before the
   * set-up is complete.
   *
   * As in Go, a first call that fails still counts: `fn` is never called
   * again. The first caller's promise rejects with the error; the others
   * resolve. Calling `do` from inside `fn` and awaiting it never settles,
   * as Go's deadlocks.
   *
   * @throws TypeError if `fn` is not a function.
   */
  do(fn: () => unknown): Promise<void> {
    if (this.#done !== undefined) {
      // Paced as a channel operation is (pace.ts): a loop of once.do() calls
      // after the first must still let timers and I/O run.
      const wait = pace();
      return wait === null ? this.#done : afterBoth(wait, this.#done);
    }
    if (typeof fn !== 'function') return Promise.reject(new TypeError(`Expected \`fn\` to be a function, got ${describe(fn)}`));
    let first: Promise<void>;
    try {
      first = Promise.resolve(fn()).then(noop);
    } catch (error) {
      first = Promise.reject(error);
    }
    this.#done = first.then(noop, noop);
    return first;
  }
}

/**
 * onceFunc returns a function that calls `fn` only the first time it is
 * called, Go 1.21's `sync.OnceFunc(f)`. If `fn` throws, every call throws
 * the same error, as Go's panics again on every call.
 *
 * @example
 * ```ts
 * const closeOnce = onceFunc(() => ch.close());
 * closeOnce();
 * closeOnce(); // no "close of closed channel"
 * ```
 */
export function onceFunc(fn: () => void): () => void {
  return onceValue(fn);
}

/**
 * onceValue returns a function that calls `fn` the first time it is called
 * and returns its result then and on every later call, Go 1.21's
 * `sync.OnceValue(f)`. If `fn` throws, every call throws the same error.
 * An async `fn` yields the same promise to every caller.
 *
 * @example
 * ```ts
 * const connection = onceValue(() => connect(url));
 * const db = await connection(); // connect ran once, whoever asks
 * ```
 */
export function onceValue<T>(fn: () => T): () => T {
  if (typeof fn !== 'function') throw new TypeError(`Expected \`fn\` to be a function, got ${describe(fn)}`);
  let pending: (() => T) | undefined = fn;
  let failed = false;
  let result: unknown;
  return () => {
    if (pending !== undefined) {
      const call = pending;
      pending = undefined;
      try {
        result = call();
      } catch (error) {
        failed = true;
        result = error;
      }
    }
    if (failed) throw result;
    return result as T;
  };
}

function noop(): void {}

/** Resolves once both the gate and the first call have settled (the latter always resolves: it is #done). */
function afterBoth(wait: Promise<void>, done: Promise<void>): Promise<void> {
  return wait.then(() => done);
}
