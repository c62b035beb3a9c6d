/*
 * A context's signal is Go's ctx.Done(): any number of goroutines wait on it
 * at once (a pool's every worker, each handler's timers and fetches). Node
 * warns past 10 'abort' listeners on one AbortSignal ("possible
 * EventTarget memory leak"), which a pool of 64 workers reaches at once
 * without leaking anything; its events.setMaxListeners(0, signal) lifts the
 * bound for that signal alone. Browsers, Deno and Bun's EventTargets have
 * no such warning (or no such function): there this does nothing.
 */

type SetMaxListeners = (n: number, ...targets: EventTarget[]) => void;

const setMaxListeners = ((globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process?.getBuiltinModule?.('node:events') as
  | { setMaxListeners?: SetMaxListeners }
  | undefined)?.setMaxListeners;

/**
 * unboundedSignal returns `signal` with no bound on its 'abort' listeners:
 * on Node, none of Node's MaxListenersExceededWarning past 10; elsewhere it
 * changes nothing. Every context of this package's signal is one already;
 * it is for the signal of a Context written by hand (the interface is
 * open), which stands for a `ctx.Done()` as theirs do.
 *
 * @param signal - The signal to lift the bound from.
 * @returns The same signal.
 */
export function unboundedSignal(signal: AbortSignal): AbortSignal {
  try {
    setMaxListeners?.(0, signal);
  } catch {
    // A runtime whose node:events takes no AbortSignal here: its default bound stands.
  }
  return signal;
}
