/*
 * The entry of every worker thread of the pool: it makes the thread's
 * runtime, which runs the goroutines placed here and serves the channels
 * made here, and then waits for messages. Nothing else runs on the thread
 * but goroutines.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { listen } from './drain.js';
import { current } from './current.js';
import { Runner } from './runner.js';
import { Runtime } from './runtime.js';

interface ThreadData {
  id: number;
  range: number;
  words: SharedArrayBuffer;
  winners: SharedArrayBuffer;
  /** This thread's end of its channel to the main thread (a port of its own, so that it can be drained). */
  port: MessagePort | undefined;
}

const data = workerData as ThreadData;
const port = data?.port;
if (port === undefined) throw new Error('threads: thread.js is the entry of a pool thread, not a module to import');

const runtime = new Runtime(data.id, { words: new Int32Array(data.words), winners: new Int32Array(data.winners) }, data.range, () => port, () => [port]);
const runner = new Runner(runtime);
runtime.goroutines = runner;
current.worker = { runtime, runner };
listen(port, (batch) => runtime.receive(batch));
// A goroutine that calls process.exit() ends the thread at once: what it had
// already sent (a value, a result) still leaves.
process.on('exit', () => runtime.flush());
