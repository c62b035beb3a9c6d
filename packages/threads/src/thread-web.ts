/*
 * The entry of every thread of the pool on Web Workers (a module worker;
 * host-web.ts starts it): its first message is its data (a Web Worker has
 * no workerData), every later one a batch.
 */
import type { ThreadData } from './host.js';
import { startThread } from './thread-start.js';

interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'unhandledrejection', listener: (event: { reason: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

const scope = globalThis as unknown as WorkerScope;
if (typeof scope.postMessage !== 'function') throw new Error('threads: thread-web.js is the entry of a pool thread, not a module to import');

// Node ends a thread on an unhandled rejection; a browser only logs it. As
// an uncaught error it reaches the page as the worker's 'error' event, and
// the thread dies as it would on Node.
scope.addEventListener('unhandledrejection', (event) => {
  throw event.reason;
});

scope.addEventListener('message', function first(event: { data: unknown }): void {
  scope.removeEventListener('message', first);
  void startThread(event.data as ThreadData, {
    port: scope,
    listen: (receive: (batch: readonly unknown[]) => void) => scope.addEventListener('message', (message) => receive(message.data as readonly unknown[])),
    beforeExit: () => {},
  });
});
