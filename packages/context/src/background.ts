// Contexts that are never cancelled: background, todo and withoutCancel
// (Go's backgroundCtx, todoCtx and withoutCancelCtx).
import { Channel, type RecvChannel } from '@gochan/channel';
import { assertParent, type Context } from './context.js';
import { unboundedSignal } from './listeners.js';
import { nameOf, parentOf, watchTarget, type Own } from './tree.js';
import { lookup } from './value.js';

/** NeverContext is never cancelled and has no deadline; values come from its parent, if any. */
class NeverContext implements Own {
  /** The context values come from; undefined for background and todo. */
  readonly [parentOf]: Context | undefined;
  /** What toString() returns, as Go's String(). */
  readonly #name: string;
  /** A channel nobody closes, created by the first done() call. */
  #done: Channel<never> | undefined;
  /** A signal nobody aborts (its controller is dropped), created by the first read. */
  #signal: AbortSignal | undefined;

  constructor(parent: Context | undefined, name: string) {
    this[parentOf] = parent;
    this.#name = name;
  }

  [watchTarget](): null {
    return null;
  }

  done(): RecvChannel<never> {
    return (this.#done ??= new Channel<never>());
  }

  err(): undefined {
    return undefined;
  }

  cause(): undefined {
    return undefined;
  }

  deadline(): undefined {
    return undefined;
  }

  value<V = unknown>(key: unknown): V | undefined {
    return lookup(this[parentOf], key) as V | undefined;
  }

  get signal(): AbortSignal {
    return (this.#signal ??= unboundedSignal(new AbortController().signal));
  }

  toString(): string {
    return this.#name;
  }
}

const backgroundContext = new NeverContext(undefined, 'context.Background');
const todoContext = new NeverContext(undefined, 'context.TODO');

/**
 * background returns the root context, Go's `context.Background()`: never
 * cancelled, no deadline, no values. Use it in `main`, in initialisation and
 * in tests, as the top of every tree. Each call returns the same context.
 */
export function background(): Context {
  return backgroundContext;
}

/**
 * todo returns a context like {@link background}, Go's `context.TODO()`: a
 * placeholder for where the right context is not known yet, that a reader
 * (or a linter) can find.
 */
export function todo(): Context {
  return todoContext;
}

/**
 * withoutCancel returns a copy of `parent` that keeps its values but is not
 * cancelled when the parent is, Go's `context.WithoutCancel`: its done()
 * never closes, and it has no deadline, err or cause. Use it for work that
 * must finish even though the request that started it is gone, such as
 * writing an audit log.
 */
export function withoutCancel(parent: Context): Context {
  assertParent(parent);
  return new NeverContext(parent, `${nameOf(parent)}.WithoutCancel`);
}
