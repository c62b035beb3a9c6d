// Test support (not built into dist): a context this package does not know.
import type { Context } from './index.js';

/**
 * foreign hides a context of ours behind a plain object that delegates every
 * method to it, so the package must treat it as a parent it did not make.
 */
export function foreign(inner: Context): Context {
  return {
    done: () => inner.done(),
    err: () => inner.err(),
    cause: () => inner.cause(),
    deadline: () => inner.deadline(),
    value: (key: unknown) => inner.value(key),
    get signal() {
      return inner.signal;
    },
  } as Context;
}
