import { describe } from '@gochan/channel';
import { watchDeadlocks, type WatchOptions } from './watch.js';

/*
 * Go's rule for main: "Program execution begins by initializing the
 * program and then invoking the function main in package main. When that
 * function invocation returns, the program exits. It does not wait for
 * other (non-main) goroutines to complete." (The Go Programming Language
 * Specification, Program execution.)
 *
 * Node has no such function: a program ends when its event loop runs dry,
 * and the deadlock watcher, seeing operations still parked then, cannot
 * tell a main that returned from one that is stuck. main() tells it: the
 * function is the program's main; while it runs, the watcher reports a
 * deadlock as before; once it returns, the process exits at once, whatever
 * is still parked or running, as Go's does.
 */

/**
 * main runs `fn` as a Go program's `func main()`: it turns on the deadlock
 * watcher ({@link watchDeadlocks}, with `options`), calls `fn`, and once
 * the promise `fn` returns resolves, exits the process, with status 0 (or
 * `process.exitCode`, if the program set one), and no report, whatever
 * gochan operations are still parked and whatever timers or tasks are
 * still pending: Go does not wait for other goroutines when main returns.
 * While `fn` has not returned, a deadlock is reported as the watcher
 * reports it (Go's report, exit status 2).
 *
 * If `fn` throws or rejects, the error is rethrown as an uncaught
 * exception: Node prints it and exits with status 1 (Go prints `panic:`
 * and exits with 2).
 *
 * Meant for a program's entry point, never for a library or a test (it
 * ends the process).
 *
 * @param fn - The program's main, sync or async.
 * @param options - The watcher's options; the environment's
 *   GOCHAN_DEADLOCK and GOCHAN_TRACEBACK still win.
 * @throws TypeError if `fn` is not a function.
 * @throws Error if a test run (or other runtime hooks) is installed.
 *
 * @example
 * ```ts
 * import { main } from '@gochan/testing';
 *
 * main(async () => {
 *   const ch = new Channel<number>();
 *   void (async () => { for (let i = 0; ; i++) await ch.send(i); })(); // parked for ever once main returns
 *   console.log((await ch.recv())[0]);
 * }); // prints 0, exits 0: no deadlock report
 * ```
 */
export function main(fn: () => unknown, options: WatchOptions = {}): void {
  if (typeof fn !== 'function') throw new TypeError(`main: expected a function, got ${describe(fn)}`);
  watchDeadlocks(options);
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    crash(error);
    return;
  }
  Promise.resolve(result).then(exit, crash);
}

/** main returned: the program exits now, as Go's does, without waiting for anything else. */
function exit(): void {
  process.exit();
}

/** main threw: an uncaught exception, which Node prints before it exits with status 1. */
function crash(error: unknown): void {
  process.nextTick(() => {
    throw error;
  });
}
