// afterFunc: Go's AfterFunc, a callback listed among a context's children.
import { describe } from '@gochan/channel';
import { attach } from './cancel-context.js';
import { assertParent, type Context } from './context.js';
import { NO_CHILDREN, type Child, type Registry } from './tree.js';

/** AfterFunc is one callback waiting for its context to be cancelled. */
class AfterFunc implements Child {
  /** The callback while it waits; cleared when it is started (moved to #started) or stopped. */
  #fn: (() => unknown) | undefined;
  /** The callback between the cancellation (mark) and its start (wake). */
  #started: (() => unknown) | undefined;
  /** Where it is listed; cleared when started or stopped. */
  #registry: Registry | undefined;

  constructor(fn: () => unknown) {
    this.#fn = fn;
  }

  link(ctx: Context): void {
    this.#registry = attach(ctx, this);
  }

  mark(): Iterable<Child> | undefined {
    if (this.#fn === undefined) return undefined;
    this.#started = this.#fn;
    this.#fn = undefined;
    this.#registry = undefined;
    return NO_CHILDREN;
  }

  /**
   * wake starts the callback in a microtask of its own, as Go starts it in a
   * goroutine of its own: after the cancellation has finished, never inside
   * it. What it throws or rejects with is reported as an unhandled rejection.
   */
  wake(): void {
    const fn = this.#started;
    this.#started = undefined;
    if (fn !== undefined) void Promise.resolve().then(fn);
  }

  /** stop unlists the callback if it has not started; true if it did. */
  stop(): boolean {
    if (this.#fn === undefined) return false;
    this.#fn = undefined;
    this.#registry?.release(this);
    this.#registry = undefined;
    return true;
  }
}

/**
 * afterFunc arranges to call `fn` once `ctx` is cancelled, Go's
 * `context.AfterFunc`; at once (in a microtask) if it already is. `fn` runs
 * in a microtask of its own, after the cancellation has finished; an error
 * it throws or rejects with is reported as an unhandled rejection. Each call
 * registers independently.
 *
 * @returns `stop`, which unregisters `fn`: it returns `true` if that stopped
 *   `fn` from being run, `false` if `fn` had already been started (the
 *   context was cancelled) or stopped. It does not wait for `fn` to finish.
 * @example
 * ```ts
 * const [ctx, cancel] = withCancel(background());
 * const socket = new WebSocket('wss://example.com/');
 * const stop = afterFunc(ctx, () => socket.close());
 * // ... later, if the socket closed for another reason:
 * stop();
 * ```
 */
export function afterFunc(ctx: Context, fn: () => unknown): () => boolean {
  assertParent(ctx);
  if (typeof fn !== 'function') {
    throw new TypeError(`Expected \`fn\` to be a function, got ${describe(fn)}`);
  }
  const registration = new AfterFunc(fn);
  registration.link(ctx);
  return () => registration.stop();
}
