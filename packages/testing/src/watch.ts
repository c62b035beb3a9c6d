import { currentHooks, installHooks, setThreadWatcher, threadRuntime } from '@gochan/channel';
import { writeSync } from 'node:fs';
import { ProgramHooks, recordingHooks, setRecording } from './program-hooks.js';
import { DEADLOCK, formatDeadlock, formatParked } from './report.js';
import { formatThreads, localReport, parkedEverywhere } from './thread-report.js';

/*
 * The deadlock watcher of a Node program. Go's runtime knows when every
 * goroutine is asleep; Node knows when its event loop has nothing left to
 * do ('beforeExit'). If gochan operations are still parked then, nothing
 * can ever wake them: the program is about to exit with work still
 * waiting, which is what Go reports as a deadlock.
 *
 * Bookkeeping while watching: each parked operation is linked into a list
 * when it parks and unlinked when its promise settles, O(1) both, plus one
 * reaction on its promise; no stack unless asked for. A parked operation
 * resumes one microtask later than without the watcher.
 *
 * The choice of exit status: Go exits with 2, and so does the watcher by
 * default, so that a CI job or a supervisor sees the failure. A program
 * that exits on its own (process.exit, a signal, an uncaught error) never
 * reaches 'beforeExit' and is never reported; neither is one whose loop
 * empties with no operation parked, however it got there.
 *
 * GOCHAN_DEADLOCK in the environment overrides the option: `exit` (report,
 * exit status 2), `warn` (report, exit status unchanged), `off` (nothing:
 * watchDeadlocks installs nothing at all).
 *
 * Across threads (@gochan/threads), Go's checkdead (runtime/proc.go) is
 * applied in parts. Go reports a deadlock when no M runs (none computing,
 * in a syscall or in the netpoller), no P has a timer, and some goroutine
 * waits. Here each pool thread loads this package's thread entry (it records
 * that thread's parks), and the thread runtime keeps a thread ref'd while it
 * is not idle: its loop has not emptied since it last read a message
 * (liveness.ts in @gochan/threads). So the main thread's 'beforeExit' comes
 * only once every thread's loop has emptied: no goroutine computes, no timer
 * or I/O is pending anywhere. The watcher then asks every thread for its
 * parked operations (one round, `gather`), and reports only if each thread
 * answers that it is still idle and that no message to or from it is on its
 * way; otherwise something can still run, and it looks again the next time
 * the loop empties. What it cannot know: a goroutine awaiting a promise
 * gochan does not know (it is counted as waiting for ever, as on the main
 * thread), and a thread that does not answer in time (it is taken as
 * running, and the program goes on).
 */

/** DeadlockAction is what the watcher does on a deadlock (Go always exits with status 2): see {@link WatchOptions.onDeadlock}. */
export type DeadlockAction = 'exit' | 'warn' | 'off';

/** WatchOptions are the options of {@link watchDeadlocks}: what to do on a deadlock, and whether to capture stacks (Go's GOTRACEBACK). */
export interface WatchOptions {
  /**
   * On a deadlock: `exit` writes the report to stderr and exits with
   * status 2, as Go; `warn` writes it and lets the program exit as it
   * would have; `off` watches nothing. The environment variable
   * GOCHAN_DEADLOCK, when set to one of these, wins over this option, so
   * that it can be switched off without a code change.
   * @default 'exit'
   */
  onDeadlock?: DeadlockAction;
  /**
   * Whether to capture the stack of every park and channel creation for
   * the report (microseconds each). GOCHAN_TRACEBACK=1 in the environment
   * turns it on too, as Go's GOTRACEBACK decides how much a crash prints.
   * @default false
   */
  stacks?: boolean;
}

/** The watcher installed by watchDeadlocks, if any, and the function that stops it. */
let watcher: ProgramHooks | null = null;
let stopWatching: () => void = noop;

/**
 * watchDeadlocks turns on Go's deadlock detector for this Node program: when
 * the event loop runs out of work while gochan operations are still parked
 * (a receive nobody will send to, a WaitGroup never done, a range over a
 * channel nobody closes), it writes "fatal error: all goroutines are asleep
 * - deadlock!" and every parked operation to stderr, then exits with status
 * 2, as Go does. Call it once, first thing in `main`.
 *
 * Set GOCHAN_DEADLOCK=warn to report without changing the exit status, or
 * GOCHAN_DEADLOCK=off to switch it off; GOCHAN_TRACEBACK=1 adds the stack of
 * each parked operation.
 *
 * Calling it again while it watches changes nothing (the first call's
 * options stand) and returns the same stop function.
 *
 * @returns A function that stops watching.
 * @throws Error if a test run (or other runtime hooks) is installed, or if
 *   called on a thread of a @gochan/threads pool (the main thread's watcher
 *   watches those).
 */
export function watchDeadlocks(options: WatchOptions = {}): () => void {
  const fromEnv = process.env.GOCHAN_DEADLOCK;
  const action: DeadlockAction = fromEnv === 'exit' || fromEnv === 'warn' || fromEnv === 'off' ? fromEnv : checkAction(options.onDeadlock ?? 'exit');
  if (action === 'off') return () => {};
  if (watcher !== null) return stopWatching; // already watching: a preload and the program may both ask
  const threads = threadRuntime();
  if (threads !== null && threads.thread !== 0) throw new Error(`watchDeadlocks: this is thread ${threads.thread} of a thread pool; call it on the main thread, which watches every thread of the pool`);
  if (currentHooks() !== null) throw new Error('watchDeadlocks: other runtime hooks are installed (a test run?)');
  const stacks = options.stacks === true || process.env.GOCHAN_TRACEBACK === '1';
  const hooks = new ProgramHooks(stacks);
  installHooks(hooks);
  watcher = hooks;
  setRecording(hooks);
  // Run from sources (the repository's tests resolve packages to src/*.ts),
  // the threads still load the built entry: a worker thread loads JavaScript.
  const entry = new URL(`${import.meta.url.endsWith('.ts') ? '../dist/' : './'}thread-entry.js${stacks ? '?stacks=1' : ''}`, import.meta.url).href;
  setThreadWatcher({ entry, report: () => localReport(hooks.parked.toArray()) });
  const onBeforeExit = (): void => {
    const report = deadlockReport(hooks);
    if (report === undefined) return;
    stop();
    writeSync(2, report);
    if (action === 'exit') process.exit(2);
  };
  const stop = (): void => {
    process.off('beforeExit', onBeforeExit);
    if (watcher === hooks) {
      watcher = null;
      stopWatching = noop;
      setRecording(null);
      setThreadWatcher(null);
      if (currentHooks() === hooks) installHooks(null);
    }
  };
  process.on('beforeExit', onBeforeExit);
  stopWatching = stop;
  return stop;
}

function noop(): void {}

function checkAction(action: unknown): DeadlockAction {
  if (action === 'exit' || action === 'warn' || action === 'off') return action;
  throw new RangeError(`watchDeadlocks: expected \`onDeadlock\` to be "exit", "warn" or "off", got ${JSON.stringify(action)}`);
}

/** How long the watcher waits for the threads' answers before taking a silent one as running. */
const GATHER_MS = 2000;

/**
 * The report, if the program is deadlocked now that the main thread's loop
 * has emptied; undefined if it is not (or may not be).
 */
function deadlockReport(hooks: ProgramHooks): string | undefined {
  const threads = threadRuntime();
  if (threads === null) return hooks.parked.size === 0 ? undefined : formatDeadlock(hooks.parked.toArray());
  const answers = threads.gather(GATHER_MS);
  // Some thread may still run, or a message is on its way: that thread is
  // ref'd (it has not said it is idle since the request), so the loop goes
  // on, and this runs again when it empties.
  if (!answers.every((answer) => answer.quiet)) return undefined;
  const own = localReport(hooks.parked.toArray());
  if (parkedEverywhere(own, answers) === 0 && threads.running() === 0) return undefined; // nothing waits anywhere: the program ends
  const main = own.parked.length > 0 ? '' : 'goroutine on the main thread: no gochan operation is parked here (it awaits a goroutine\'s result, or a promise gochan does not know)\n\n';
  return `${DEADLOCK}\n\n${main}${formatThreads(own, answers)}\n`;
}

/** How long dump() waits for other threads, unless told. */
export const DUMP_MS = 1000;

/**
 * The parked operations of the watched program, formatted, or undefined
 * when not watching: this thread's, and, when threads run, every other
 * thread's (waiting at most `ms` for their answers).
 */
export function dumpWatched(ms: number = DUMP_MS): string | undefined {
  const hooks = recordingHooks();
  if (hooks === null) return undefined;
  const threads = threadRuntime();
  if (threads === null) return formatParked(hooks.parked.toArray());
  return formatThreads(localReport(hooks.parked.toArray()), threads.gather(ms));
}
