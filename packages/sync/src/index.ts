/**
 * Go's `sync` package for TypeScript: `Mutex`, `RWMutex`, `Cond`, `Once`,
 * `onceFunc` and `onceValue`, first come first served and with an
 * `AbortSignal` on every wait, and `WaitGroup` (from `@gochan/waitgroup`),
 * so that `import { Mutex, WaitGroup } from '@gochan/sync'` reads like Go.
 *
 * @packageDocumentation
 */
export { Mutex } from './mutex.js';
export { RWMutex } from './rwmutex.js';
export { Once, onceFunc, onceValue } from './once.js';
export { Cond, type Locker } from './cond.js';
export { WaitGroup } from '@gochan/waitgroup';
