import { Channel, ClosedChannelError, recv, select, Timer } from '@gochan/channel';
import { WaitGroup } from '@gochan/waitgroup';
import { createTaskServer, type App, type AppOptions } from './server.js';
import type { ShutdownReport } from './task-pool.js';
import { Telemetry } from './telemetry.js';
import { newWorkerPool, type WorkerPool } from './worker-pool.js';

/**
 * createApp makes the article's worker pool and the HTTP server that feeds
 * it (`server.ts`, which the version on `@gochan/pool` shares). Nothing
 * listens yet and no signal is handled: that is `serve`'s part, so tests can
 * run many apps in one process.
 *
 * @example
 * ```ts
 * const app = createApp({ workers: 4, queueSize: 1000, taskMs: 10_000 });
 * console.log(`Server running on :${await app.listen(8081)}`);
 * process.once('SIGINT', async () => console.log(await app.shutdown(30_000)));
 * ```
 */
export function createApp(options: AppOptions): App {
  if (options.store !== undefined && options.store.kind !== 'memory') {
    throw new RangeError(`This version of the server keeps its tasks in memory, as the article does; got a ${options.store.kind} store`);
  }
  const wg = new WaitGroup();
  const telemetry = options.telemetry ?? new Telemetry();
  const pool = newWorkerPool(options.workers, wg, { ...options, telemetry });
  return createTaskServer({
    submit: (id, signal) => pool.taskQueue.send(pool.newTask(id), signal).then(() => 'added'),
    isClosedError: (error) => error instanceof ClosedChannelError,
    stats: () => pool.stats(),
    shutdown: (timeoutMs) => shutdown(pool, wg, timeoutMs),
  }, { limits: options.limits, telemetry });
}

/**
 * shutdown closes the task channel (requests still waiting for room get 503)
 * and waits for the workers to finish every queued task. Past `timeoutMs` it
 * cancels the tasks left through their context and reports them.
 */
async function shutdown(pool: WorkerPool, wg: WaitGroup, timeoutMs: number): Promise<ShutdownReport> {
  // 1. No more tasks: the workers finish the queue, then return.
  pool.taskQueue.close();
  // 2. Wait for them, no longer than timeoutMs (Go: select on a channel
  //    closed after wg.Wait(), and a timer).
  const finished = new Channel<never>();
  void wg.wait().then(() => finished.close());
  const timer = new Timer(timeoutMs); // Go: time.NewTimer, stopped once the select is over
  const [index] = await select([recv(finished), recv(timer.c)]);
  timer.stop();
  // 3. Past the time: cancel what is left. Running tasks stop at once, and
  //    the workers drain the queue, failing each task without starting it.
  const timedOut = index !== 0;
  pool.cancel();
  await wg.wait();
  return {
    timedOut,
    cutOff: pool.workers.flatMap((worker) => worker.cutOff),
    notStarted: pool.workers.flatMap((worker) => worker.notStarted),
    keptInStore: false,
  };
}
