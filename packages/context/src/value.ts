// withValue: Go's valueCtx, one key and one value on top of a parent.
import { describe, type RecvChannel } from '@gochan/channel';
import { assertParent, type Context } from './context.js';
import { isOwn, nameOf, parentOf, watchTarget, type Own } from './tree.js';

/** ValueContext adds one key and its value to its parent; everything else is the parent's. */
class ValueContext implements Own {
  readonly [parentOf]: Context;
  /**
   * The nearest ancestor that is not a value context: it answers done(),
   * err(), cause(), deadline() and signal for the whole run of values, so a
   * long chain of values costs no recursion.
   */
  readonly #base: Context;
  /** The key, never null or undefined; compared with `===`. */
  readonly key: unknown;
  /** The value returned for the key. */
  readonly val: unknown;

  constructor(parent: Context, key: unknown, val: unknown) {
    this[parentOf] = parent;
    this.#base = parent instanceof ValueContext ? parent.#base : parent;
    this.key = key;
    this.val = val;
  }

  [watchTarget](): Context {
    return this.#base; // never cancelled on its own: ask what is below the values
  }

  done(): RecvChannel<never> {
    return this.#base.done();
  }

  err(): Error | undefined {
    return this.#base.err();
  }

  cause(): unknown {
    return this.#base.cause();
  }

  deadline(): Date | undefined {
    return this.#base.deadline();
  }

  value<V = unknown>(key: unknown): V | undefined {
    return lookup(this, key) as V | undefined;
  }

  get signal(): AbortSignal {
    return this.#base.signal;
  }

  toString(): string {
    return `${nameOf(this[parentOf])}.WithValue(${show(this.key)}, ${show(this.val)})`;
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && !Object.hasOwn(value, 'toString')) {
    return value.constructor?.name ?? 'Object';
  }
  return String(value);
}

/**
 * lookup walks up from `ctx` to the nearest withValue of `key`, as Go's
 * value(): a loop over this package's contexts, so that a deep chain costs
 * no stack; a foreign context answers for itself and what is above it.
 */
export function lookup(ctx: Context | undefined, key: unknown): unknown {
  while (ctx !== undefined) {
    if (ctx instanceof ValueContext) {
      if (ctx.key === key) return ctx.val;
      ctx = ctx[parentOf];
    } else if (isOwn(ctx)) {
      ctx = ctx[parentOf];
    } else {
      return ctx.value(key);
    }
  }
  return undefined;
}

/**
 * withValue returns a copy of `parent` in which `key` is associated with
 * `value`, like Go's `context.WithValue`. Keys are compared with `===`: use
 * a `Symbol` or an object of your own as the key, never a string that
 * another package could also use, as Go advises an unexported key type.
 *
 * Use context values for request-scoped data that crosses API boundaries,
 * not for passing optional parameters to functions.
 *
 * @throws TypeError when `key` is `null` or `undefined` (Go's "nil key").
 * @example
 * ```ts
 * const userKey = Symbol('user');
 * const ctx = withValue(background(), userKey, 'gopher');
 * ctx.value<string>(userKey); // "gopher"
 * ```
 */
export function withValue(parent: Context, key: unknown, value: unknown): Context {
  assertParent(parent);
  if (key === null || key === undefined) {
    throw new TypeError(`nil key: expected \`key\` to be a value other than null or undefined, got ${describe(key)}`);
  }
  return new ValueContext(parent, key, value);
}
