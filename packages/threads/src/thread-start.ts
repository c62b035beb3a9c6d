import { current } from './current.js';
import type { ThreadData, WorkerSide } from './host.js';
import { Runner } from './runner.js';
import { Runtime } from './runtime.js';

/**
 * Starts a pool thread, whatever its host: makes the thread's runtime,
 * which runs the goroutines placed here and serves the channels made here,
 * and listens for messages. Nothing else runs on the thread but goroutines.
 */
export async function startThread(data: ThreadData, side: WorkerSide, prepare?: (runtime: Runtime) => void | Promise<void>): Promise<void> {
  const port = side.port;
  const runtime = new Runtime(data.id, { words: new Int32Array(data.words), winners: new Int32Array(data.winners) }, data.range, () => port, () => [port]);
  const runner = new Runner(runtime);
  runtime.goroutines = runner;
  current.worker = { runtime, runner };
  // What a host adds before the first batch is read (Node's: the deadlock watcher's module, thread.ts).
  if (prepare !== undefined) await prepare(runtime);
  side.listen((batch) => runtime.receive(batch));
  // A goroutine that calls process.exit() ends the thread at once: what it had
  // already sent (a value, a result) still leaves.
  side.beforeExit(() => runtime.flush());
}
