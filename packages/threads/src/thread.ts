/*
 * The entry of every worker thread of the pool on node:worker_threads (Node,
 * Bun, Deno): it hands the thread's data and port to startThread
 * (thread-start.ts). Browsers' threads start at thread-web.js.
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { listen } from './drain.js';
import type { ThreadData } from './host.js';
import { startThread } from './thread-start.js';

const data = workerData as (ThreadData & { port: MessagePort | undefined }) | null;
/** This thread's end of its channel to the main thread (a port of its own, so that it can be drained: host-node.ts). */
const port = data?.port;
if (data === null || port === undefined) throw new Error('threads: thread.js is the entry of a pool thread, not a module to import');

startThread(data, {
  port,
  listen: (receive: (batch: readonly unknown[]) => void) => listen(port, receive, receiveMessageOnPort),
  beforeExit: (flush: () => void) => process.on('exit', flush),
});
