/**
 * Go's weighted semaphore (golang.org/x/sync/semaphore) for TypeScript:
 * `Weighted` bounds how much work runs at once, serving waiters first come,
 * first served, with an `AbortSignal` on every wait.
 *
 * @packageDocumentation
 */
export { Weighted } from './weighted.js';
