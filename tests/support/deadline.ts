// Test support for pacing (pace.ts): no Node modules here, so that the
// packages' tests run in Chromium too.

/** How many iterations a loop may run before a deadline that never fires counts as starved: about 2 s of uncontended operations, far more than 100 ms holds. */
export const STARVED = 20_000_000;

/**
 * Runs `step` in a loop until a 100 ms deadline has passed (an
 * AbortSignal.timeout, as Go's `context.WithTimeout`), as "work until the
 * deadline" programs do. A loop whose operations never yield to the event
 * loop never sees the deadline: it runs to `STARVED` iterations and reports
 * `sawDeadline` false. Counts only, no wall-clock bound.
 */
export async function loopUntilDeadline(step: () => Promise<unknown>): Promise<{ sawDeadline: boolean; iterations: number }> {
  const deadline = AbortSignal.timeout(100);
  let iterations = 0;
  while (!deadline.aborted && iterations < STARVED) {
    await step();
    iterations++;
  }
  return { sawDeadline: deadline.aborted, iterations };
}

/** Spins for `ms` milliseconds of CPU: a synchronous handler's work. */
export function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}
