/*
 * Stacks for reports: where an operation parked, where a channel was made.
 * Captured only by a runtime that asks for them (a test run always; the
 * program watcher when GOCHAN_TRACEBACK is set or `stacks: true`), since a
 * stack costs microseconds and the hot paths may not pay for it: Go's
 * GOTRACEBACK decides how much a crash prints, not whether goroutines run
 * slower.
 */

/**
 * Frames inside gochan's primitives and this package: the report shows
 * the caller's frames, as Go's traceback starts at the user's function
 * rather than inside runtime.gopark (a context's done channel is "made"
 * where the caller asked for `ctx.done()`; a goroutine on a thread starts at
 * its module's function, not in the thread runtime that called it). The pool, errgroup and sync
 * stay: a worker parked inside the pool, a Mutex.lock, are worth seeing.
 */
const INTERNAL = /[\\/](?:packages|@gochan)[\\/](?:channel|waitgroup|semaphore|context|testing|threads)[\\/](?:src|dist)[\\/](?![^:]*\.test\.)|\(node:internal|^\s*at node:internal/;

/** The frames of a test run's driver: where the body's stack ends. */
const RUN = /[\\/](?:packages|@gochan)[\\/]testing[\\/](?:src|dist)[\\/](?:runtime|scheduler)\.[jt]s/;

/** Frames captured before filtering: enough to keep ten of the caller's past gochan's own. */
const FRAMES = 24;

/** The current stack's frames outside gochan's internals, one per line ("    at f (file:line:col)"). */
export function captureStack(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = FRAMES;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const frames: string[] = [];
  for (const line of stack.split('\n').slice(1)) {
    // Below the body of a test run lie the run itself and the test
    // framework: Go's traceback ends at main too.
    if (frames.length > 0 && RUN.test(line)) break;
    if (!INTERNAL.test(line)) frames.push(line);
    if (frames.length === 10) break;
  }
  return frames.join('\n');
}

/** The first frame of `stack` as a place ("file:line:col", or the function and place), or undefined. */
export function firstPlace(stack: string): string | undefined {
  const line = stack.split('\n', 1)[0]?.trim();
  if (!line) return undefined;
  const inParens = /\((.*)\)$/.exec(line);
  return inParens ? inParens[1] : line.replace(/^at\s+/, '');
}
