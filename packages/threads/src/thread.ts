/*
 * The entry of every worker thread of the pool on node:worker_threads (Node,
 * Bun, Deno): it hands the thread's data and port to startThread
 * (thread-start.ts), and, while a deadlock watcher runs on the main thread,
 * loads the watcher's module, which records the parked operations here, and
 * says when this thread's event loop empties (liveness.ts, dumps.ts).
 * Browsers' threads start at thread-web.js, and have no watcher.
 */
import { setThreadRuntime } from '@gochan/channel';
import { readlinkSync, writeSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { listen } from './drain.js';
import type { ThreadData } from './host.js';
import type { Port } from './link.js';
import { WorkerLiveness } from './liveness.js';
import type { Runtime } from './runtime.js';
import { ThreadSeam } from './seam.js';
import { startThread } from './thread-start.js';

const data = workerData as (ThreadData & { port: MessagePort | undefined }) | null;
/** This thread's end of its channel to the main thread (a port of its own, so that it can be drained: host-node.ts). */
const port = data?.port;
if (data === null || port === undefined) throw new Error('threads: thread.js is the entry of a pool thread, not a module to import');

// The port, counting the batches posted (liveness.ts).
const out: Port = {
  postMessage(batch: unknown): void {
    port.postMessage(batch);
    liveness.sent++;
  },
};
let runtime: Runtime;
const liveness = new WorkerLiveness(port, (seen) => {
  runtime.post({ t: 'idle', to: 0, from: data.id, seen });
  runtime.flush();
});

if (data.nice !== undefined) beNicer(data.nice);

/**
 * Makes this thread `by` nicer than it started (its parent's niceness), at
 * most 19 (setNice, go.ts). Linux only (the host says so): there a thread's
 * id, read from /proc/thread-self, names this thread alone to setpriority(2),
 * where 0 or the process id would name the main thread too in some runtimes.
 * A thread that cannot (a sandbox that forbids it) says so and runs on.
 */
function beNicer(by: number): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) throw new Error('/proc/thread-self names no thread');
    setPriority(tid, Math.min(19, getPriority(tid) + by));
  } catch (error) {
    writeSync(2, `threads: thread ${data?.id} could not make itself nicer by ${by}: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

/** The watcher's module loaded here, if any. */
let entry: string | null = null;

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
    writeSync(2, `threads: thread ${data?.id} could not load the deadlock watcher's module ${String(next ?? entry)}: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

await startThread(
  data,
  {
    port: out,
    listen: (receive: (batch: readonly unknown[]) => void) => {
      listen(
        port,
        (batch) => {
          liveness.batch();
          receive(batch);
        },
        receiveMessageOnPort,
      );
      liveness.listening();
    },
    beforeExit: (flush: () => void) => process.on('exit', flush),
  },
  async (made) => {
    runtime = made;
    runtime.dumps.counts = liveness;
    // Home to channels other threads hold: this thread says when its loop
    // empties, and the main thread keeps it up until then (liveness.ts). The
    // `serve` leaves before the message whose value exported the channel.
    runtime.home.exports.onServing = (on) => {
      liveness.serve(on);
      runtime.post({ t: 'serve', to: 0, from: data.id, on });
    };
    runtime.watching = {
      emptied() {},
      watch(next) {
        void watchWith(next);
      },
      serving() {},
    };
    // The watcher's module, once loaded, registers itself (setThreadWatcher),
    // which starts or stops the liveness reports through the seam.
    setThreadRuntime(new ThreadSeam(runtime, () => 0, (next) => (next === null ? liveness.stop() : liveness.start())));
    if (data.watch !== null && data.watch !== undefined) await watchWith(data.watch);
  },
);
