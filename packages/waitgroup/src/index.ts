/**
 * Go's `sync.WaitGroup` for TypeScript: count tasks in with `add` or `go`,
 * count them out with `done`, and `await wait()` until none is left.
 *
 * @packageDocumentation
 */
export { WaitGroup } from './waitgroup.js';
