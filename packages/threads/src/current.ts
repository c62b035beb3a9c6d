import type { Runner } from './runner.js';
import type { Runtime } from './runtime.js';

/*
 * Which thread this is, for go() and GOMAXPROCS: on a worker of the pool,
 * thread.ts sets `worker` before any goroutine runs; elsewhere it stays null
 * and the main thread's runtime is made on first use (go.ts). A worker of the
 * pool is told apart by this, not by `isMainThread`, so that a program that
 * itself runs in a worker (a test runner's, say) owns a pool of its own.
 */
export const current: { worker: { runtime: Runtime; runner: Runner } | null } = { worker: null };
