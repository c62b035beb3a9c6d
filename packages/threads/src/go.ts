import { describe } from '@gochan/channel';
import { current } from './current.js';
import { MAX_PROCS } from './gomaxprocs.js';
import type { ResourceLimits } from './host.js';
import { host } from './hosts.js';
import { Scheduler } from './scheduler.js';

/** The main thread's pool, made on first use. */
let scheduler: Scheduler | null = null;

/** @internal The main thread's pool, made on first use (goroutine.ts). */
export function pool(): Scheduler {
  if (current.worker !== null) throw new Error('threads: internal error: the pool is the main thread\'s');
  if (scheduler === null) {
    host(); // where threads cannot run, the error says why (a page that is not cross-origin isolated: COOP/COEP)
    scheduler = new Scheduler();
  }
  return scheduler;
}

/**
 * go is Go's `go f(x)`: it runs the default export of `module` on one of
 * GOMAXPROCS worker threads, called with `args`, and returns a promise of
 * what it returns. A goroutine is a module's export because closures do not
 * cross threads: `go f(x)` is `go(new URL('./f.js', import.meta.url), x)`.
 *
 * Arguments cross by structured clone, except channels and contexts (also
 * inside arrays, plain objects, Maps and Sets), which cross as themselves: a
 * `Channel` passed here is the same channel in the goroutine, with every Go
 * rule, and a context is cancelled there when it is cancelled here. Many
 * goroutines share a thread; one that awaits frees the thread for the
 * others. Threads start when first needed and keep no process alive while
 * no goroutine runs on them.
 *
 * Unlike Go's, the promise carries the goroutine's result and its error: an
 * error thrown there rejects it here with its message, stack and cause; a
 * thread that dies (an uncaught error, `process.exit()`, out of memory)
 * rejects it with a {@link ThreadExitError}. Called from a goroutine, go()
 * places the new goroutine on the pool too.
 *
 * Threads are Node's worker_threads (also under Bun and Deno), or in a
 * browser module Web Workers, which need a cross-origin isolated page
 * (served with COOP/COEP headers) for the shared memory of selects.
 *
 * @param module - The module whose default export runs: a URL (usually
 *   `new URL('./f.js', import.meta.url)`), a URL string, or (not in a
 *   browser) an absolute path. The module runs as JavaScript on the thread.
 * @param args - The goroutine's arguments.
 * @throws TypeError (as a rejection) for a module that is not a URL or an
 *   absolute path, a module with no default export function, or an argument
 *   that cannot be cloned.
 * @throws Error (as a rejection) where threads cannot run: a page that is
 *   not cross-origin isolated (the message names the COOP/COEP headers), or
 *   a runtime without workers.
 *
 * @example
 * ```ts
 * const results = new Channel<number>();
 * void go(new URL('./hash.js', import.meta.url), 42, results);
 * const [sum] = await results.recv();
 * ```
 */
export function go<R = unknown>(module: URL | string, ...args: unknown[]): Promise<Awaited<R>> {
  let url: string;
  try {
    url = moduleURL(module);
  } catch (error) {
    return Promise.reject(error);
  }
  const worker = current.worker;
  if (worker !== null) return worker.runner.start(url, args) as Promise<Awaited<R>>;
  try {
    return pool().start(url, args) as Promise<Awaited<R>>;
  } catch (error) {
    // The host refused a thread (Deno without --allow-read, say): a rejection, as every failure of go().
    return Promise.reject(error);
  }
}

/** @internal A module argument as a URL string, or a TypeError that says what to write. */
export function moduleURL(module: URL | string): string {
  if (module instanceof URL) return module.href;
  if (typeof module === 'string') {
    const file = host().fileURL(module);
    if (file !== undefined) return file;
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(module)) return new URL(module).href;
    if (!host().paths) throw new TypeError(`go: expected the URL of a module (a page has no file paths), got ${JSON.stringify(module)}; write new URL(${JSON.stringify(module)}, import.meta.url)`);
    throw new TypeError(`go: expected a URL or an absolute path of a module, got the relative ${JSON.stringify(module)}; write new URL(${JSON.stringify(module)}, import.meta.url)`);
  }
  throw new TypeError(`go: expected a module URL, got ${describe(module)}`);
}

/**
 * GOMAXPROCS is Go's `runtime.GOMAXPROCS(n)`: with `n` of 1 or more it sets
 * how many threads goroutines run on, and it returns the previous setting;
 * with no `n` (or one below 1) it only returns the setting. The first value
 * is Go's: the `GOMAXPROCS` environment variable when it is a positive
 * integer, else `os.availableParallelism()` (in a browser,
 * `navigator.hardwareConcurrency`).
 *
 * Lowering it places no new goroutine on the threads beyond `n`; those
 * threads end with the pool ({@link close}), since channels made there live
 * on them.
 *
 * @throws RangeError if `n` is not an integer, or is above 255 (the most
 *   threads a pool has).
 * @throws Error where threads cannot run (a page that is not cross-origin
 *   isolated: the message names the COOP/COEP headers).
 */
export function GOMAXPROCS(n?: number): number {
  const pool = poolOrWorker();
  const previous = pool.procs;
  if (n === undefined) return previous;
  if (!Number.isInteger(n)) throw new RangeError(`GOMAXPROCS: expected an integer, got ${describe(n)}`);
  if (n > MAX_PROCS) throw new RangeError(`GOMAXPROCS: at most ${MAX_PROCS} threads, got ${n}`);
  if (n >= 1) pool.procs = n;
  return previous;
}

function poolOrWorker(): Scheduler {
  if (current.worker !== null) throw new Error('GOMAXPROCS: set it on the main thread (the pool is the main thread\'s)');
  return pool();
}

/**
 * setResourceLimits sets Node's `resourceLimits` (heap sizes, stack size)
 * for the threads started from now on: a goroutine that goes past them kills
 * its thread, whose goroutines then fail with a {@link ThreadExitError}
 * saying it ran out of memory, and the next goroutine gets a new thread.
 *
 * @throws TypeError where threads take no limits (Web Workers), unless
 *   `limits` is undefined.
 */
export function setResourceLimits(limits: ResourceLimits | undefined): void {
  const pool = poolOrWorker();
  if (limits !== undefined && !host().limits) throw new TypeError(`setResourceLimits: threads on ${host().name} take no resource limits`);
  pool.resourceLimits = limits;
}

/**
 * setNice makes the threads started from now on `increment` nicer than the
 * main thread (Unix niceness, 0 to 19; 0, the default, leaves them equal to
 * it, as Go's threads are), so that the operating system runs the main
 * thread first when it wakes while every thread computes. The main thread
 * is outside GOMAXPROCS: it runs the event loop (a server's requests, its
 * timers) and is home to the channels made there, which every goroutine's
 * operations on them go through; with GOMAXPROCS threads computing on as
 * many cores it waits for one. Measured on 2 cores (bench/RESULTS.md, "What
 * holds the CPU-bound scaling back"): the CPU-bound benchmark's two-thread
 * rate 2-3% higher at 5 and at 10 (its scaling 1.86× at 0, 1.90× at 5), and
 * a computing pool's longest event-loop delay (median of 25 runs) 5.9 ms
 * at 0 and 5.1 ms at 10, its p99 3.3 and 1.9 ms.
 * The cost: the threads also yield to the threads of other programs on the
 * machine, which keep their niceness.
 *
 * Threads already running keep their niceness; {@link close} the pool
 * first to change it for all. Linux only, where niceness is a thread's (on
 * macOS and Windows it is the whole process's).
 *
 * @throws RangeError if `increment` is not an integer from 0 to 19.
 * @throws TypeError where a thread's niceness cannot be set alone (not
 *   Linux, or Web Workers), unless `increment` is 0.
 */
export function setNice(increment: number): void {
  if (!Number.isInteger(increment) || increment < 0 || increment > 19) throw new RangeError(`setNice: expected an integer from 0 to 19, got ${describe(increment)}`);
  const pool = poolOrWorker();
  if (increment !== 0 && !host().nice) throw new TypeError(`setNice: threads on ${host().name} cannot be made nicer alone (a thread's niceness is its own on Linux only)`);
  pool.nice = increment;
}

/**
 * close stops the pool: go() rejects while it runs, it waits for every
 * goroutine to return, then ends every thread. Channels whose home was one
 * of those threads end with it. A go() after close() has resolved starts a
 * new pool.
 */
export async function close(): Promise<void> {
  if (current.worker !== null) throw new Error('close: the pool is closed from the main thread');
  const running = scheduler;
  if (running === null) return;
  await running.close();
  if (scheduler === running) scheduler = null;
}

/** @internal How many channels of the main thread other threads may still name (references.ts), for tests. */
export function exportedChannels(): number {
  return scheduler?.runtime.home.exports.size ?? 0;
}

/** @internal The live threads' ids, for tests. */
export function threadIds(): number[] {
  return scheduler?.threadIds() ?? [];
}
