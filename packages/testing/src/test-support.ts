// Test support (not built into dist): a GoScheduler drawn from a fixed seed,
// for tests that want one run rather than a property.
import fc from 'fast-check';
import { scheduler, type GoScheduler } from './scheduler.js';

/** One GoScheduler, the same for the same seed. */
export function oneScheduler(seed = 1): GoScheduler {
  return fc.sample(scheduler(), { seed, numRuns: 1 })[0] as GoScheduler;
}

/** The error a promise rejects with (fails if it fulfils). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject, and it fulfilled');
}
