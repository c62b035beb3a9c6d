import { dumpActiveRun } from './runtime.js';
import { dumpWatched } from './watch.js';

/**
 * dump returns every parked gochan operation as Go's goroutine dump shows
 * goroutines (`runtime.Stack(buf, true)`, or the dump of SIGQUIT): one
 * "goroutine N [reason]:" block each, with what it waits on and, when
 * stacks are captured, where it parked. It sees the operations of the test
 * run in progress, or of a program under {@link watchDeadlocks}; otherwise
 * nothing is recorded, and it says so. Nothing is computed until it is
 * called.
 *
 * @example
 * ```ts
 * process.on('SIGUSR2', () => console.error(dump()));
 * ```
 */
export function dump(): string {
  const text = dumpActiveRun() ?? dumpWatched();
  if (text === undefined) return 'gochan: no parked operations are recorded: call watchDeadlocks() first, or dump() inside run()';
  return text === '' ? 'gochan: no operation is parked' : text;
}
