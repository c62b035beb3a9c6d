/**
 * ThreadExitError is how a thread's death reaches the goroutines and channel
 * operations that depended on it: the goroutines that were running on it,
 * operations waiting on channels whose home it was, and contexts it had
 * passed on. Go has no such error, because Go's threads cannot die alone;
 * here a thread can (an uncaught error, `process.exit()` inside it, running
 * out of memory under `resourceLimits`, `terminate()`).
 *
 * `cause` holds what killed it, where known.
 */
export class ThreadExitError extends Error {
  /** The id of the thread that died (1 and up; 0 is the main thread). */
  readonly thread: number;
  /** The thread's exit code, where it exited. */
  readonly exitCode: number | undefined;

  constructor(thread: number, message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ThreadExitError';
    this.thread = thread;
    this.exitCode = options?.exitCode;
  }
}

/** The message of a thread's death, naming its cause. */
export function describeDeath(thread: number, exitCode: number | undefined, error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_WORKER_OUT_OF_MEMORY') return `thread ${thread} ran out of memory (its resourceLimits): ${error.message}`;
    return `thread ${thread} died of an uncaught ${error.name}: ${error.message}`;
  }
  if (error !== undefined) return `thread ${thread} died of an uncaught throw: ${String(error)}`;
  // A Web Worker has no exit code: ended with no error, it was terminated.
  if (exitCode === undefined) return `thread ${thread} was terminated`;
  return `thread ${thread} exited with code ${exitCode}`;
}

/** The message of a thread ended by terminate() (goroutine.ts), naming why. */
export function describeTermination(thread: number, reason: unknown): string {
  const why = reason instanceof Error ? reason.message : reason === undefined ? 'no reason given' : String(reason);
  return `thread ${thread} was terminated: ${why}`;
}
