/*
 * The entry of every worker thread of the pool: it makes the thread's
 * runtime, which runs the goroutines placed here and serves the channels
 * made here, and then waits for messages. Nothing else runs on the thread
 * but goroutines (and, while a deadlock watcher runs, the watcher's module,
 * which records the parked operations here: liveness.ts, dumps.ts).
 */
import { setThreadRuntime } from '@gochan/channel';
import { writeSync } from 'node:fs';
import { workerData, type MessagePort } from 'node:worker_threads';
import { listen } from './drain.js';
import { current } from './current.js';
import { WorkerLiveness } from './liveness.js';
import type { Port } from './link.js';
import { Runner } from './runner.js';
import { Runtime } from './runtime.js';
import { ThreadSeam } from './seam.js';

interface ThreadData {
  id: number;
  range: number;
  words: SharedArrayBuffer;
  winners: SharedArrayBuffer;
  /** This thread's end of its channel to the main thread (a port of its own, so that it can be drained). */
  port: MessagePort | undefined;
  /** The deadlock watcher's module, if one runs on the main thread. */
  watch: string | null;
}

const data = workerData as ThreadData;
const port = data?.port;
if (port === undefined) throw new Error('threads: thread.js is the entry of a pool thread, not a module to import');

// The port, counting the batches posted (liveness.ts).
const out: Port = {
  postMessage(batch: unknown): void {
    (port as MessagePort).postMessage(batch);
    liveness.sent++;
  },
};
const runtime = new Runtime(data.id, { words: new Int32Array(data.words), winners: new Int32Array(data.winners) }, data.range, () => out, () => [out]);
const liveness = new WorkerLiveness(port, (seen) => {
  runtime.post({ t: 'idle', to: 0, from: data.id, seen });
  runtime.flush();
});
const runner = new Runner(runtime);
runtime.goroutines = runner;
runtime.dumps.counts = liveness;
current.worker = { runtime, runner };

/** The watcher's module loaded here, if any. */
let entry: string | null = null;
runtime.watching = {
  emptied() {},
  watch(next) {
    void watchWith(next);
  },
};
// The watcher's module, once loaded, registers itself (setThreadWatcher),
// which starts or stops the liveness reports through the seam.
setThreadRuntime(new ThreadSeam(runtime, () => 0, (next) => (next === null ? liveness.stop() : liveness.start())));

async function watchWith(next: string | null): Promise<void> {
  try {
    if (next === null) {
      const loaded = entry;
      entry = null;
      if (loaded !== null) ((await import(loaded)) as { unwatch?: () => void }).unwatch?.();
      liveness.stop();
      return;
    }
    entry = next;
    await import(next);
  } catch (error) {
    // The thread runs on unwatched: its goroutines are not in dumps, and a
    // deadlock that involves it is not reported (it never says it is idle).
    writeSync(2, `threads: thread ${data.id} could not load the deadlock watcher's module ${String(next ?? entry)}: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

if (data.watch !== null && data.watch !== undefined) await watchWith(data.watch);
listen(port, (batch) => {
  liveness.batch();
  runtime.receive(batch);
});
liveness.listening();
// A goroutine that calls process.exit() ends the thread at once: what it had
// already sent (a value, a result) still leaves.
process.on('exit', () => runtime.flush());
