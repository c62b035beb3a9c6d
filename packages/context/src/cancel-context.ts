// CancelContext: the context that can be cancelled, Go's cancelCtx. The
// contexts with a deadline extend it (deadline.ts).
//
// A context is cheap until it is looked at: the done channel, the
// AbortController and the set of children are created on first use, so a
// context that is created and cancelled without anyone calling done() or
// reading signal costs one object and its cancel function.
import { Channel, type RecvChannel } from '@gochan/channel';
import { assertParent, type CancelCauseFunc, type CancelFunc, type Context } from './context.js';
import { Canceled } from './errors.js';
import { unboundedSignal } from './listeners.js';
import { watch } from './foreign.js';
import { cancelTree, nameOf, NO_CHILDREN, parentOf, watchTarget, type Child, type Own, type Registry, watchedBy } from './tree.js';
import { lookup } from './value.js';

/** Cancelable is what the other modules of this package see of a CancelContext. */
export interface Cancelable extends Own, Child, Registry {
  /** The parent: a cancelable context always has one. */
  readonly [parentOf]: Context;
  /** See {@link CancelContextImpl.link}. */
  link(): void;
  /** See {@link CancelContextImpl.cancel}. */
  cancel(err: Error, cause: unknown): void;
  /** See {@link CancelContextImpl.adopt}. */
  adopt(child: Child): void;
  /** See {@link CancelContextImpl.stop}. */
  stop(): void;
  /** See {@link CancelContextImpl.childCount}. */
  readonly childCount: number;
}

/** CancelContextImpl is a context cancelled by a function, by its parent, or (subclasses) by a timer. */
class CancelContextImpl implements Cancelable {
  /** The context this one derives from: values and the deadline come from it. */
  readonly [parentOf]: Context;
  /** Undefined until the first cancellation sets it, for good. */
  #err: Error | undefined;
  /** Set together with #err: the cause of the first cancellation. */
  #cause: unknown;
  /** Contexts and afterFuncs to cancel with this one; created by the first child, dropped when cancelled. */
  #children: Set<Child> | undefined;
  /** Where this context is listed to hear of its parent's cancellation; cleared when cancelled. */
  #registry: Registry | undefined;
  /** The done channel, created by the first done() call; closed when cancelled. */
  #done: Channel<never> | undefined;
  /** The signal, created by the first read of `signal`. */
  #signal: AbortSignal | undefined;
  /** Aborts #signal; set only while #signal exists and the context is not cancelled. */
  #controller: AbortController | undefined;
  /**
   * The parent's deadline, in epoch milliseconds, read once: a deadline
   * never changes, and asking up a long chain on every call would recurse.
   */
  readonly #inheritedDeadline: number | undefined;

  constructor(parent: Context) {
    this[parentOf] = parent;
    this.#inheritedDeadline = parent.deadline()?.getTime();
  }

  /**
   * link registers this context with its parent, so that the parent's
   * cancellation cancels it; a cancelled parent cancels it at once. Called
   * once, by the function that creates the context, after construction.
   */
  link(): void {
    this.#registry = attach(this[parentOf], this);
  }

  /**
   * cancel cancels this context and everything derived from it, and
   * unlists it from its parent. Only the first call (or the parent's
   * cancellation, or the deadline, whichever comes first) has an effect.
   */
  cancel(err: Error, cause: unknown): void {
    if (this.#err !== undefined) return;
    const registry = this.#registry;
    cancelTree([this], err, cause);
    registry?.release(this);
  }

  /** See {@link Child.mark}. */
  mark(err: Error, cause: unknown): Iterable<Child> | undefined {
    if (this.#err !== undefined) return undefined;
    this.#err = err;
    this.#cause = cause;
    this.#registry = undefined;
    const children = this.#children;
    this.#children = undefined;
    return children ?? NO_CHILDREN;
  }

  /** See {@link Child.wake}. */
  wake(): void {
    this.stop();
    if (this.#done !== undefined && !this.#done.closed) this.#done.close();
    const controller = this.#controller;
    this.#controller = undefined;
    controller?.abort(this.#err);
  }

  /** stop releases what keeps the context going on its own (the timer of a deadline); called on cancel. */
  stop(): void {}

  /** See {@link Registry.release}: a child cancelled or stopped on its own leaves. */
  release(child: Child): void {
    const children = this.#children;
    if (children === undefined) return;
    children.delete(child);
    if (children.size === 0) this.#children = undefined;
  }

  /** adopt lists a child of a context that is not cancelled. */
  adopt(child: Child): void {
    (this.#children ??= new Set()).add(child);
  }

  /** The number of children listed; for the tests that check nothing is left behind. */
  get childCount(): number {
    return this.#children?.size ?? 0;
  }

  [watchTarget](): Context {
    return this;
  }

  done(): RecvChannel<never> {
    if (this.#done === undefined) {
      this.#done = new Channel<never>();
      if (this.#err !== undefined) this.#done.close();
    }
    return this.#done;
  }

  err(): Error | undefined {
    return this.#err;
  }

  cause(): unknown {
    return this.#cause;
  }

  deadline(): Date | undefined {
    return this.#inheritedDeadline === undefined ? undefined : new Date(this.#inheritedDeadline);
  }

  value<V = unknown>(key: unknown): V | undefined {
    return lookup(this[parentOf], key) as V | undefined;
  }

  get signal(): AbortSignal {
    if (this.#signal === undefined) {
      if (this.#err !== undefined) {
        this.#signal = AbortSignal.abort(this.#err);
      } else {
        this.#controller = new AbortController();
        this.#signal = unboundedSignal(this.#controller.signal);
      }
    }
    return this.#signal;
  }

  toString(): string {
    return `${nameOf(this[parentOf])}.WithCancel`;
  }
}

/**
 * CancelContext is Go's cancelCtx; its declared type is an interface
 * because a class with symbol-keyed members cannot be exported under
 * isolatedDeclarations. Subclasses extend it (deadline.ts, from-signal.ts).
 */
export const CancelContext: new (parent: Context) => Cancelable = CancelContextImpl;

/**
 * attach lists `child` to be cancelled with `parent`, going up to the nearest
 * cancelable context of this package (values and withoutCancel are skipped
 * over), or watching a foreign parent through its signal. A parent that is
 * already cancelled cancels the child at once. Returns the registry the child
 * leaves when it is cancelled or stopped on its own, if any.
 */
export function attach(parent: Context, child: Child): Registry | undefined {
  const target = watchedBy(parent);
  if (target === null) return undefined; // never cancelled: nothing to hear of
  if (target instanceof CancelContext) {
    const err = target.err();
    if (err !== undefined) {
      cancelTree([child], err, target.cause());
      return undefined;
    }
    target.adopt(child);
    return target;
  }
  const signal = target.signal as AbortSignal | undefined;
  if (typeof signal?.addEventListener !== 'function') {
    throw new TypeError(
      'Expected `parent` to be a Context with an AbortSignal as `signal`: a parent from outside @gochan/context is watched through it',
    );
  }
  return watch(target, signal, child);
}

/**
 * withCancel returns a copy of `parent` that is cancelled when the returned
 * function is called or when the parent is cancelled, whichever happens
 * first, like Go's `context.WithCancel`. Its err() is then {@link Canceled},
 * or the parent's.
 *
 * Call the cancel function as soon as the work is done: until then the
 * context stays listed in its parent.
 *
 * @example
 * ```ts
 * const [ctx, cancel] = withCancel(background());
 * setTimeout(cancel, 100);
 * const [, ok] = await ctx.done().recv(); // closed after 100 ms: ok is false
 * console.log(ctx.err()?.message);       // "context canceled"
 * ```
 */
export function withCancel(parent: Context): [Context, CancelFunc] {
  assertParent(parent);
  const ctx = new CancelContext(parent);
  ctx.link();
  return [ctx, () => ctx.cancel(Canceled, Canceled)];
}

/**
 * withCancelCause is {@link withCancel} with a cancel function that records
 * why, like Go's `context.WithCancelCause`: after `cancel(cause)`, err() is
 * {@link Canceled} and {@link cause} returns `cause` (or Canceled when none
 * is given), for this context and every context derived from it.
 *
 * @example
 * ```ts
 * const [ctx, cancel] = withCancelCause(background());
 * cancel(new Error('client went away'));
 * ctx.err();   // Canceled
 * ctx.cause(); // Error: client went away
 * ```
 */
export function withCancelCause(parent: Context): [Context, CancelCauseFunc] {
  assertParent(parent);
  const ctx = new CancelContext(parent);
  ctx.link();
  return [ctx, (cause?: unknown) => ctx.cancel(Canceled, cause ?? Canceled)];
}
