import { dumpActiveRun } from './runtime.js';
import { DUMP_MS, dumpWatched } from './watch.js';

/** DumpOptions are the options of {@link dump}, Go's `runtime.Stack(buf, true)`. */
export interface DumpOptions {
  /**
   * How long to wait, in all, for the other threads of a @gochan/threads
   * pool to answer, in milliseconds; a thread that does not answer in time
   * (it computes, is blocked, or is ending) is named as such.
   * @default 1000
   */
  wait?: number;
}

/**
 * dump returns every parked gochan operation as Go's goroutine dump shows
 * goroutines (`runtime.Stack(buf, true)`, or the dump of SIGQUIT): one
 * "goroutine N [reason]:" block each, with what it waits on and, when
 * stacks are captured, where it parked. It sees the operations of the test
 * run in progress, or of a program under {@link watchDeadlocks}; otherwise
 * nothing is recorded, and it says so. Nothing is computed until it is
 * called.
 *
 * In a program that runs goroutines on threads (@gochan/threads), it lists
 * those parked on every thread, "goroutine N on thread T [reason]:", and
 * names each channel that crossed threads by its home thread and id there
 * (`[thread 0, chan 3]`), with the description its home gives (label,
 * buffer). Like Go's `runtime.Stack(buf, true)`, which stops the world, it
 * blocks this thread while it asks the others (at most `options.wait`).
 *
 * @param options - How long to wait for other threads.
 * @throws RangeError if `options.wait` is not a non-negative number.
 *
 * @example
 * ```ts
 * process.on('SIGUSR2', () => console.error(dump()));
 * ```
 */
export function dump(options: DumpOptions = {}): string {
  const wait = options.wait ?? DUMP_MS;
  if (typeof wait !== 'number' || !(wait >= 0)) throw new RangeError(`dump: expected \`wait\` to be a non-negative number of milliseconds, got ${String(wait)}`);
  const text = dumpActiveRun() ?? dumpWatched(wait);
  if (text === undefined) return 'gochan: no parked operations are recorded: call watchDeadlocks() first, or dump() inside run()';
  return text === '' ? 'gochan: no operation is parked' : text;
}
