import { Channel, describe, pace as importedPace } from '@gochan/channel';
import { background, withCancelCause, type CancelCauseFunc, type Context } from '@gochan/context';
import { WaitGroup } from '@gochan/waitgroup';

// pace as a module constant: the optimizing compiler folds a module's
// `const` into the code that calls it, but loads an import from its cell
// and checks it on every call (counted: 7 instructions a paced operation).
const pace = importedPace;

/*
 * Group follows golang.org/x/sync/errgroup: a WaitGroup that counts the
 * functions, the first error, a cancel function for withContext, and a
 * buffered channel of tokens as the limit (Go's `sem chan token`).
 *
 * Invariants:
 *  - `wg` counts every function from go()/tryGo() that has not settled,
 *    those still waiting for a slot included, so wait() never returns
 *    before a function that go() accepted has run.
 *  - `failed`/`error` are set once, by the first function to throw or
 *    reject, and never change; the cancel runs in the same step.
 *  - With a limit, `sem.length` is the number of functions running: a
 *    function starts once its token is in the channel, and takes one token
 *    out when it settles.
 */

/** The token a running function holds in the limit channel (Go's `token struct{}`). */
const TOKEN = true;
/** A promise resolved at once, shared: go() without a wait allocates nothing. */
const RESOLVED: Promise<void> = Promise.resolve();

/** Sets a group's cancel function; defined in Group's static block. */
let setCancel: (group: Group, cancel: CancelCauseFunc) => void;

/**
 * Group is Go's `errgroup.Group` (golang.org/x/sync/errgroup): it runs
 * functions as tasks, waits for them all, and keeps the first error. Made
 * by {@link withContext}, it also cancels a context on that first error, so
 * the other tasks can stop early.
 *
 * Unlike `WaitGroup.go`, a failing function is not an unhandled rejection:
 * its error is what {@link Group.wait} rejects with.
 *
 * @example
 * ```ts
 * const g = new Group();                  // var g errgroup.Group
 * for (const url of urls) {
 *   g.go(async () => void (await fetch(url)));
 * }
 * await g.wait();                         // rejects with the first error
 * ```
 */
export class Group {
  /** Counts the functions not yet settled, including those waiting for a slot. */
  readonly #wg: WaitGroup = new WaitGroup();
  /** Cancels the context of withContext, with the first error as cause; undefined for a bare Group. Set once, by withContext. */
  #cancel: CancelCauseFunc | undefined = undefined;
  /** The limit: a channel of capacity n holding one token per running function; null for no limit. */
  #sem: Channel<typeof TOKEN> | null = null;
  /** Whether a function has failed, and its error: set once, by the first failure. */
  #failed = false;
  #error: unknown = undefined;

  static {
    // withContext's way in to #cancel, with no public surface.
    setCancel = (group, cancel) => void (group.#cancel = cancel);
  }

  /**
   * go runs `fn` as a task of the group, Go's `g.Go(f)`. Without a limit
   * `fn` starts at once. With one ({@link Group.setLimit}), `go` waits until
   * fewer than the limit run, and the returned promise resolves once `fn`
   * has started. Waiting tasks start in the order `go` was called, and
   * {@link Group.wait} waits for them too.
   *
   * The first `fn` to throw or reject sets the group's error and cancels
   * the context of {@link withContext}; the returned promise does not
   * reject for it.
   *
   * @param signal - Optional (not in Go): aborting it while `go` waits for a
   *   slot withdraws the task; `fn` never runs and the promise rejects with
   *   `signal.reason`.
   * @throws TypeError if `fn` is not a function.
   */
  go(fn: () => unknown, signal?: AbortSignal): Promise<void> {
    checkFn(fn);
    const sem = this.#sem;
    if (sem === null || sem.trySend(TOKEN)) {
      this.#wg.add(1);
      this.#run(fn, sem);
      // Started without waiting: paced as a channel operation is (pace.ts),
      // so that a loop of go() calls lets timers and I/O run.
      const wait = pace();
      return wait === null ? RESOLVED : wait.then(noop);
    }
    if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
    this.#wg.add(1);
    return sem.send(TOKEN, signal).then(
      () => this.#run(fn, sem),
      (reason: unknown) => {
        this.#wg.done();
        throw reason;
      },
    );
  }

  /**
   * tryGo runs `fn` as {@link Group.go} does, but only if a slot is free
   * now, Go's `g.TryGo(f)`.
   *
   * @returns true if `fn` started, false if the group is at its limit.
   * @throws TypeError if `fn` is not a function.
   */
  tryGo(fn: () => unknown): boolean {
    checkFn(fn);
    const sem = this.#sem;
    if (sem !== null && !sem.trySend(TOKEN)) return false;
    this.#wg.add(1);
    this.#run(fn, sem);
    return true;
  }

  /**
   * setLimit bounds the number of tasks running at once to `n`, Go's
   * `g.SetLimit(n)`; a negative `n` removes the limit. A limit of 0 lets no
   * task start.
   *
   * @throws Error "errgroup: modify limit while N goroutines in the group
   *   are still active" (Go's panic) if tasks started under a limit are
   *   still running.
   * @throws RangeError if `n` is not a safe integer.
   */
  setLimit(n: number): void {
    if (!Number.isSafeInteger(n)) throw new RangeError(`Expected \`n\` to be an integer, got ${describe(n)}`);
    const active = this.#sem?.length ?? 0;
    if (active !== 0) throw new Error(`errgroup: modify limit while ${active} goroutines in the group are still active`);
    this.#sem = n < 0 ? null : new Channel(n);
  }

  /**
   * wait resolves once every task has settled, Go's `g.Wait()`, or rejects
   * with the first error any of them threw or rejected with. Either way it
   * then cancels the context of {@link withContext}.
   */
  async wait(): Promise<void> {
    await this.#wg.wait();
    this.#cancel?.(this.#failed ? this.#error : undefined);
    if (this.#failed) throw this.#error;
  }

  /** Calls fn; records its failure; frees its slot and counts it out when it settles. */
  #run(fn: () => unknown, sem: Channel<typeof TOKEN> | null): void {
    const settle = (): void => {
      sem?.tryRecv();
      this.#wg.done();
    };
    let result: unknown;
    try {
      result = fn();
    } catch (error) {
      this.#fail(error);
      settle();
      return;
    }
    if (!isThenable(result)) {
      settle();
      return;
    }
    Promise.resolve(result).then(settle, (error: unknown) => {
      this.#fail(error);
      settle();
    });
  }

  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#error = error;
    this.#cancel?.(error);
  }
}

/**
 * withContext returns a new {@link Group} and a context derived from
 * `parent`, Go's `errgroup.WithContext(ctx)`. The context is cancelled the
 * first time a task of the group fails (its `cause()` is that error) or the
 * first time {@link Group.wait} returns, whichever comes first. Hand it, or
 * its `signal`, to the tasks so that they stop when one fails.
 *
 * @param parent - The parent context; omitted, `background()` (not in Go).
 * @example
 * ```ts
 * const [g, ctx] = withContext(background());
 * for (const url of urls) g.go(() => fetch(url, { signal: ctx.signal }));
 * await g.wait();
 * ```
 */
export function withContext(parent: Context = background()): [Group, Context] {
  const [ctx, cancel] = withCancelCause(parent);
  const group = new Group();
  setCancel(group, cancel);
  return [group, ctx];
}

function checkFn(fn: unknown): asserts fn is () => unknown {
  if (typeof fn !== 'function') throw new TypeError(`Expected \`fn\` to be a function, got ${describe(fn)}`);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function noop(): void {}
