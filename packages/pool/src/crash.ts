/*
 * Crashes: a job whose handler's thread died under it (process.exit, an
 * uncaught error, out of memory, or ended because a handler beside it
 * ignored its cancellation). In Go a panic takes the process and the job
 * with it; here only the thread dies, and the job is treated as a job whose
 * process died: with a store its claim is left to run out, so the store
 * counts a crash (its maxCrashes caps them) and offers it again; without one
 * it fails with the thread's error. The error itself (a ThreadExitError of
 * @gochan/threads, which the pool does not import) is marked, so that the
 * store feed can tell a crash from a failure without knowing its class.
 */
const crashes = new WeakSet<object>();

/** markCrash marks `error` as the death of the thread that ran a job, and returns it. */
export function markCrash<E extends object>(error: E): E {
  crashes.add(error);
  return error;
}

/** isCrash says whether a job's failure was its thread's death (markCrash). */
export function isCrash(error: unknown): boolean {
  return typeof error === 'object' && error !== null && crashes.has(error);
}
