import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, Channel, recv, select } from '@gochan/channel';
import { WaitGroup } from '@gochan/waitgroup';
import { createHandler, type Admission } from './handler.js';
import { newWorkerPool, type WorkerPool } from './worker-pool.js';

/** AppOptions size the server's pool. */
export interface AppOptions {
  /** How many workers: the most tasks in progress at once. */
  workers: number;
  /** The task channel's capacity: how many tasks may wait for a worker. */
  queueSize: number;
  /** How long each task's work takes, in milliseconds. */
  taskMs: number;
}

/** ShutdownReport says how a shutdown ended. */
export interface ShutdownReport {
  /** True when the workers were still busy when the time was up. */
  timedOut: boolean;
  /** The ids of the tasks cancelled then: in a worker's hands, or still queued. */
  cancelled: string[];
}

/**
 * App is the article's program without its `main`: a worker pool and the
 * HTTP server that feeds it, and their graceful shutdown.
 */
export interface App {
  /** App.server is the HTTP server; it is not listening until `listen`. */
  readonly server: Server;
  /** App.pool is the worker pool the server queues its tasks on. */
  readonly pool: WorkerPool;
  /** listen starts accepting connections on `port` (0: any free port) and resolves with the port. */
  listen(port: number, host?: string): Promise<number>;
  /**
   * shutdown stops accepting (new requests get 503 and the listener closes),
   * closes the task channel (requests still waiting for room get 503), and
   * waits for the workers to finish every queued task. Past `timeoutMs` it
   * cancels the tasks left through their context and reports them. A second
   * call returns the first call's report.
   */
  shutdown(timeoutMs: number): Promise<ShutdownReport>;
}

/**
 * createApp makes the pool and its server. Nothing listens yet and no signal
 * is handled: that is `main`'s part, so tests can run many apps in one
 * process.
 *
 * @example
 * ```ts
 * const app = createApp({ workers: 4, queueSize: 1000, taskMs: 10_000 });
 * console.log(`Server running on :${await app.listen(8081)}`);
 * process.once('SIGINT', async () => console.log(await app.shutdown(30_000)));
 * ```
 */
export function createApp(options: AppOptions): App {
  const wg = new WaitGroup();
  const pool = newWorkerPool(options.workers, wg, options);
  const admission: Admission = { shuttingDown: false, waiting: 0 };
  const server = createServer(createHandler(pool, admission));
  // A request Node cannot parse never reaches the handler: answer 400 and
  // hang up, and never let it throw.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    } else {
      socket.destroy();
    }
  });

  let report: Promise<ShutdownReport> | undefined;
  return {
    server,
    pool,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    shutdown: (timeoutMs) => (report ??= shutdown(server, pool, wg, admission, timeoutMs)),
  };
}

async function shutdown(
  server: Server,
  pool: WorkerPool,
  wg: WaitGroup,
  admission: Admission,
  timeoutMs: number,
): Promise<ShutdownReport> {
  // 1. Stop accepting: refuse what still comes on open connections, close
  //    the listener and the connections that sit idle.
  admission.shuttingDown = true;
  server.close();
  server.closeIdleConnections();
  // 2. No more tasks: the workers finish the queue, then return.
  pool.taskQueue.close();
  // 3. Wait for them, no longer than timeoutMs (Go: select on a channel
  //    closed after wg.Wait(), and time.After).
  const finished = new Channel<never>();
  void wg.wait().then(() => finished.close());
  const stopTimer = new AbortController();
  const [index] = await select([recv(finished), recv(after(timeoutMs, stopTimer.signal))]);
  stopTimer.abort();
  // 4. Past the time: cancel what is left. Running tasks stop at once, and
  //    the workers drain the queue, failing each task without starting it.
  const timedOut = index !== 0;
  pool.cancel();
  await wg.wait();
  // The responses were all written before their tasks were even processed:
  // what remains open is idle, or a client that never sent a whole request.
  server.closeAllConnections();
  return { timedOut, cancelled: pool.workers.flatMap((worker) => worker.cancelled) };
}
