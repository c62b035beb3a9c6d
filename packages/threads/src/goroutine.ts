import { current } from './current.js';
import { moduleURL, pool } from './go.js';

/**
 * Goroutine is what {@link spawn} returns: a goroutine's result, with the
 * thread it runs on and a way to end that thread. Go has no handle on a
 * goroutine (nothing can stop one from outside: it must return by itself,
 * usually when its context is cancelled); a thread here can be ended, and
 * this is for the one case Go leaves to the operating system: code that
 * ignores its context and must not hold a core for ever.
 *
 * @typeParam R - What the goroutine's function returns.
 */
export interface Goroutine<R = unknown> {
  /**
   * The id of the thread it was placed on (1 and up, as in
   * {@link ThreadExitError.thread}); undefined if it was refused before it
   * was placed (a module that is not a URL, the pool closing, a call from
   * a goroutine). An argument that cannot be cloned is found as it leaves:
   * the goroutine was placed, and its result rejects with a TypeError.
   */
  readonly thread: number | undefined;
  /** What `go()` returns: its result, its error, or a ThreadExitError if its thread dies. */
  readonly result: Promise<Awaited<R>>;
  /**
   * terminate ends the goroutine's thread, and with it every goroutine
   * that runs there, not only this one (goroutines share threads). Each of
   * them fails with a {@link ThreadExitError} whose message reads
   * `thread N was terminated: <reason>` and whose `cause` is `reason`, as
   * for any death of a thread: what they had waiting on other threads'
   * channels is withdrawn, channels whose home it was fail their waiters.
   * No new goroutine is placed on the thread once this is called; the next
   * one gets a new thread.
   *
   * @param reason - Why, for the ThreadExitError.
   * @returns A promise that resolves once the thread has stopped running
   *   code, with false if it had already ended (or the goroutine was never
   *   placed) and true otherwise; its goroutines' results reject soon after.
   */
  terminate(reason?: unknown): Promise<boolean>;
}

/**
 * spawn is {@link go} with a handle: Go's `go f(x)`, returning the
 * goroutine's {@link Goroutine.result}, the {@link Goroutine.thread} it
 * runs on, and {@link Goroutine.terminate} to end that thread. For a
 * supervisor (a worker pool, a server) that must reclaim a core from code
 * that ignores cancellation; everything else should use go().
 *
 * Called from the main thread only (a goroutine's go() places through the
 * main thread, which alone can end threads); elsewhere its result rejects
 * with an Error that says so.
 *
 * @param module - As for go(): a URL, a `file:` or `data:` URL string, or
 *   an absolute path.
 * @param args - The goroutine's arguments, as for go().
 *
 * @example
 * ```ts
 * const g = spawn(new URL('./crunch.js', import.meta.url), input, ctx);
 * const timer = setTimeout(() => void g.terminate(new Error('crunch ignored its deadline')), 10_000);
 * try {
 *   console.log(await g.result);
 * } finally {
 *   clearTimeout(timer);
 * }
 * ```
 */
export function spawn<R = unknown>(module: URL | string, ...args: unknown[]): Goroutine<R> {
  let url: string;
  try {
    url = moduleURL(module);
    if (current.worker !== null) throw new Error('spawn: call it from the main thread (goroutines use go())');
  } catch (error) {
    return refused(error);
  }
  const scheduler = pool();
  const { thread, result } = scheduler.launch(url, args);
  return {
    thread,
    result: result as Promise<Awaited<R>>,
    terminate: (reason?: unknown) => (thread === undefined ? Promise.resolve(false) : scheduler.terminate(thread, reason)),
  };
}

function refused<R>(error: unknown): Goroutine<R> {
  return { thread: undefined, result: Promise.reject(error), terminate: () => Promise.resolve(false) };
}
