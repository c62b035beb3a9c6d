/**
 * Go's goroutines on every core: {@link go} runs a module's default export
 * on a pool of {@link GOMAXPROCS} worker threads, and the channels, selects
 * and contexts of `@gochan/channel` and `@gochan/context` keep Go's rules
 * across them.
 *
 * @packageDocumentation
 */
export { GOMAXPROCS, close, go, setNice, setResourceLimits } from './go.js';
export { ThreadExitError } from './errors.js';
export type { ResourceLimits } from './host.js';
export { spawn, type Goroutine } from './goroutine.js';
