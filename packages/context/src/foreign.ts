// Watching a context that is not one of ours: the only thing every Context
// offers to listen to synchronously is its signal. One abort listener serves
// every child of the same foreign parent, and it is removed as soon as the
// last child leaves, so 100k short-lived children never pile listeners up.
import type { Context } from './context.js';
import { errorFromReason } from './errors.js';
import { cancelTree, type Child, type Registry } from './tree.js';

/** The watch of each foreign parent (or bare signal) that has children. */
const watches = new WeakMap<object, ForeignWatch>();

const ONCE: AddEventListenerOptions = Object.freeze({ once: true });

/**
 * ForeignWatch lists the children of one foreign parent, or of one bare
 * signal for {@link fromSignal}, and cancels them when its signal aborts.
 */
class ForeignWatch implements Registry {
  /** The foreign context, or `undefined` when watching a bare signal. */
  readonly #source: Context | undefined;
  /** The signal listened to; the listener is this object (handleEvent). */
  readonly #signal: AbortSignal;
  /** Children to cancel on abort; the watch ends when it empties. */
  readonly #children = new Set<Child>();

  constructor(source: Context | undefined, signal: AbortSignal) {
    this.#source = source;
    this.#signal = signal;
    signal.addEventListener('abort', this, ONCE);
  }

  add(child: Child): void {
    this.#children.add(child);
  }

  release(child: Child): void {
    this.#children.delete(child);
    if (this.#children.size === 0) {
      this.#signal.removeEventListener('abort', this);
      const key = this.#source ?? this.#signal;
      if (watches.get(key) === this) watches.delete(key);
    }
  }

  /** The abort listener: the watch ends, and every child is cancelled. */
  handleEvent(): void {
    watches.delete(this.#source ?? this.#signal);
    const [err, cause] = reasonOf(this.#source, this.#signal);
    const children = [...this.#children];
    this.#children.clear();
    cancelTree(children, err, cause);
  }
}

/**
 * reasonOf returns the err and cause a child takes from a cancelled foreign
 * parent: the parent's own when it reports them, else ones derived from the
 * signal's reason. For a bare signal, the cause is the signal's reason.
 */
function reasonOf(source: Context | undefined, signal: AbortSignal): [Error, unknown] {
  const err = source?.err() ?? errorFromReason(signal.reason);
  const cause = source === undefined ? signal.reason : (source.cause?.() ?? err);
  return [err, cause];
}

/**
 * watch lists `child` to be cancelled with the foreign context `source` (or
 * with the bare `signal` when `source` is undefined). A source that is
 * already cancelled cancels the child at once. Returns the registry the child
 * must leave when it is cancelled on its own, if any.
 */
export function watch(source: Context | undefined, signal: AbortSignal, child: Child): Registry | undefined {
  if (source?.err() !== undefined || signal.aborted) {
    const [err, cause] = reasonOf(source, signal);
    cancelTree([child], err, cause);
    return undefined;
  }
  const key = source ?? signal;
  let registry = watches.get(key);
  if (registry === undefined) {
    registry = new ForeignWatch(source, signal);
    watches.set(key, registry);
  }
  registry.add(child);
  return registry;
}
