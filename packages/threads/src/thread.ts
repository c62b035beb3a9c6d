/*
 * The entry of every worker thread of the pool: it makes the thread's
 * runtime, which runs the goroutines placed here and serves the channels
 * made here, and then waits for messages. Nothing else runs on the thread
 * but goroutines.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { current } from './current.js';
import type { Message } from './protocol.js';
import { Runner } from './runner.js';
import { Runtime } from './runtime.js';

interface ThreadData {
  id: number;
  range: number;
  words: SharedArrayBuffer;
  winners: SharedArrayBuffer;
}

const data = workerData as ThreadData;
const port = parentPort;
if (port === null) throw new Error('threads: thread.js is the entry of a pool thread, not a module to import');

const runtime = new Runtime(data.id, { words: new Int32Array(data.words), winners: new Int32Array(data.winners) }, data.range, () => port, () => [port]);
const runner = new Runner(runtime);
runtime.goroutines = runner;
current.worker = { runtime, runner };
port.on('message', (batch: Message[]) => runtime.receive(batch));
// A goroutine that calls process.exit() ends the thread at once: what it had
// already sent (a value, a result) still leaves.
process.on('exit', () => runtime.flush());
