// The cancellation tree. Every cancelable context keeps the set of things to
// cancel with it (its children); a child keeps the registry it is listed in,
// to leave it when it is cancelled on its own.
//
// Invariants:
// - A child is listed in at most one registry, and only while it is neither
//   cancelled nor stopped; cancelling a context drops its whole set.
// - Once a context is cancelled, so is every context derived from it: a child
//   registering with a cancelled context is cancelled on the spot.
// - A cancellation first marks the whole subtree, then wakes it: by the time
//   any outside code runs (an abort listener, say), every context of the
//   subtree already reports its err() and cause().
import type { Context } from './context.js';

/** Child is one entry of a registry: a derived context, or an afterFunc. */
export interface Child {
  /**
   * mark records the cancellation (first phase) and hands back the children
   * to cancel with it, or `undefined` if this one was already cancelled or
   * stopped. It runs no outside code.
   */
  mark(err: Error, cause: unknown): Iterable<Child> | undefined;
  /** wake tells the world (second phase): closes done, aborts the signal, clears the timer, runs the afterFunc. */
  wake(): void;
}

/** Registry is where a child is listed to hear of its parent's cancellation. */
export interface Registry {
  /** release unlists `child`, which was cancelled or stopped on its own. */
  release(child: Child): void;
}

/** NO_CHILDREN is what mark() returns for a leaf, so that leaves allocate nothing. */
export const NO_CHILDREN: readonly Child[] = Object.freeze([]);

/**
 * cancelTree cancels `roots` and everything below them with `err` and
 * `cause`: marks them all, then wakes them in the order they were marked
 * (parents before children). It walks with an explicit stack, so a chain of
 * any depth cannot overflow the call stack.
 */
export function cancelTree(roots: Iterable<Child>, err: Error, cause: unknown): void {
  const marked: Child[] = [];
  const pending: Child[] = [...roots];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    const children = node.mark(err, cause);
    if (children === undefined) continue;
    marked.push(node);
    for (const child of children) pending.push(child);
  }
  for (const node of marked) node.wake();
}

/**
 * parentOf is the key, private to this package, under which each of its
 * contexts holds the context it derives from (`undefined` for background and
 * todo). Values are looked up along it without recursion.
 */
export const parentOf: unique symbol = Symbol('gochan.context.parent');

/**
 * watchTarget is the key of the method, private to this package, that says
 * where a derived context must look to hear of this context's cancellation,
 * one step at a time: the context itself when it can be cancelled, `null`
 * when it never can, or the next context up (a value context answers with
 * its parent), to ask in turn. See watchedBy().
 */
export const watchTarget: unique symbol = Symbol('gochan.context.watchTarget');

/**
 * watchedBy follows watchTarget up from `parent`, in a loop so that a deep
 * chain of values costs no stack: it returns the nearest context of this
 * package that can be cancelled, a foreign context (to be watched through
 * its signal), or `null` when no cancellation can ever come.
 */
export function watchedBy(parent: Context): Context | null {
  let target: Context | null = parent;
  while (target !== null && isOwn(target)) {
    const next: Context | null = target[watchTarget]();
    if (next === target) break;
    target = next;
  }
  return target;
}

/** Own is what every context of this package implements besides Context. */
export interface Own extends Context {
  /** The context this one derives from; see {@link parentOf}. */
  readonly [parentOf]: Context | undefined;
  /** What a derived context watches; see {@link watchTarget}. */
  [watchTarget](): Context | null;
}

/** isOwn tells a context of this package from a foreign one. */
export function isOwn(ctx: Context): ctx is Own {
  return typeof (ctx as Partial<Own>)[watchTarget] === 'function';
}

/** nameOf renders a parent for a context's toString(), as Go's contextName. */
export function nameOf(ctx: Context): string {
  const name = String(ctx);
  return name === '[object Object]' ? (ctx.constructor?.name ?? 'Context') : name;
}
