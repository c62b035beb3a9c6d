import { currentHooks, installHooks, type ParkReason, type RuntimeHooks } from '@gochan/channel';
import { writeSync } from 'node:fs';
import { recordMadeAt } from './labels.js';
import { ParkedList } from './parked.js';
import { formatDeadlock, formatParked } from './report.js';
import { captureStack, firstPlace } from './stacks.js';

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

/** The hooks of a watched program: real time, Math.random, pacing on; only parks are recorded. */
class ProgramHooks implements RuntimeHooks {
  readonly pacing = true;
  readonly parked: ParkedList = new ParkedList();

  constructor(private readonly stacks: boolean) {}

  park<R>(promise: Promise<R>, reason: ParkReason, on: unknown): Promise<R> {
    const op = this.parked.add(reason, on, this.stacks ? captureStack() : undefined);
    const parked = this.parked;
    // The caller gets the promise that unlists, not the original: an
    // operation whose rejection the program ignores must still be reported
    // as unhandled, as it is without the watcher. It resumes one microtask
    // later than it would; the order among operations is unchanged.
    return promise.then(
      (value) => {
        parked.remove(op);
        return value;
      },
      (error: unknown) => {
        parked.remove(op);
        throw error;
      },
    );
  }

  made(channel: object): void {
    if (!this.stacks) return;
    const site = firstPlace(captureStack());
    if (site !== undefined) recordMadeAt(channel, site);
  }

  random(): number {
    return Math.random();
  }

  now(): number {
    return performance.now();
  }

  wallNow(): number {
    return Date.now();
  }

  setTimer(callback: () => void, ms: number): unknown {
    return setTimeout(callback, ms);
  }

  clearTimer(): boolean {
    return false;
  }
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
 * @throws Error if a test run (or other runtime hooks) is installed.
 */
export function watchDeadlocks(options: WatchOptions = {}): () => void {
  const fromEnv = process.env.GOCHAN_DEADLOCK;
  const action: DeadlockAction = fromEnv === 'exit' || fromEnv === 'warn' || fromEnv === 'off' ? fromEnv : checkAction(options.onDeadlock ?? 'exit');
  if (action === 'off') return () => {};
  if (watcher !== null) return stopWatching; // already watching: a preload and the program may both ask
  if (currentHooks() !== null) throw new Error('watchDeadlocks: other runtime hooks are installed (a test run?)');
  const stacks = options.stacks === true || process.env.GOCHAN_TRACEBACK === '1';
  const hooks = new ProgramHooks(stacks);
  installHooks(hooks);
  watcher = hooks;
  const onBeforeExit = (): void => {
    if (hooks.parked.size === 0) return;
    stop();
    writeSync(2, formatDeadlock(hooks.parked.toArray()));
    if (action === 'exit') process.exit(2);
  };
  const stop = (): void => {
    process.off('beforeExit', onBeforeExit);
    if (watcher === hooks) {
      watcher = null;
      stopWatching = noop;
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

/** The parked operations of the watched program, formatted, or undefined when not watching. */
export function dumpWatched(): string | undefined {
  return watcher === null ? undefined : formatParked(watcher.parked.toArray());
}
