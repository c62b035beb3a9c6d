/**
 * Go's errgroup (golang.org/x/sync/errgroup) for TypeScript: run tasks as a
 * `Group`, wait for them all, get the first error, and with `withContext`
 * cancel the others through a context when one fails.
 *
 * @packageDocumentation
 */
export { Group, withContext } from './group.js';
