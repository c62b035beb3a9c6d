import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHandler, type Admission } from './handler.js';
import type { StoreSetting } from './store-setting.js';
import type { ShutdownReport, TaskPool } from './task-pool.js';

/** AppOptions size the server's pool: what every version's `createApp` takes. */
export interface AppOptions {
  /** How many workers: the most tasks in progress at once. */
  workers: number;
  /** The task queue's capacity: how many tasks may wait for a worker. */
  queueSize: number;
  /** How long each task's work takes, in milliseconds. */
  taskMs: number;
  /** Where the tasks wait: in memory (the article's channel), or in a durable store. Default: memory. */
  store?: StoreSetting | undefined;
  /** The queue's name within a durable store. Default: `tasks`. */
  queue?: string | undefined;
  /** How long a stored task stays with a process that stopped renewing it, in milliseconds. Default: 10000. */
  leaseMs?: number | undefined;
}

/**
 * App is the article's program without its `main`: a worker pool and the
 * HTTP server that feeds it, and their graceful shutdown.
 */
export interface App {
  /** App.server is the HTTP server; it is not listening until `listen`. */
  readonly server: Server;
  /** App.pool is the worker pool the server queues its tasks on. */
  readonly pool: TaskPool;
  /** listen starts accepting connections on `port` (0: any free port) and resolves with the port. */
  listen(port: number, host?: string): Promise<number>;
  /**
   * shutdown stops accepting (new requests get 503 and the listener closes),
   * shuts the pool down (requests still waiting for room get 503, the
   * workers finish every queued task) and waits for it. Past `timeoutMs` the
   * tasks left are cancelled and reported. A second call returns the first
   * call's report.
   */
  shutdown(timeoutMs: number): Promise<ShutdownReport>;
}

/**
 * createTaskServer puts the `node:http` server in front of `pool`: the
 * routes of {@link createHandler}, a 400 for what Node cannot parse, and the
 * shutdown of both. Nothing listens yet and no signal is handled: that is
 * `serve`'s part, so tests can run many apps in one process.
 */
export function createTaskServer(pool: TaskPool): App {
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
    shutdown: (timeoutMs) => (report ??= shutdown(server, pool, admission, timeoutMs)),
  };
}

async function shutdown(server: Server, pool: TaskPool, admission: Admission, timeoutMs: number): Promise<ShutdownReport> {
  // 1. Stop accepting: refuse what still comes on open connections, close
  //    the listener and the connections that sit idle.
  admission.shuttingDown = true;
  server.close();
  server.closeIdleConnections();
  // 2. No more tasks, the queue finished, no longer than timeoutMs: the
  //    pool's part.
  const report = await pool.shutdown(timeoutMs);
  // 3. The responses were all written before their tasks were even
  //    processed: what remains open is idle, or a client that never sent a
  //    whole request.
  server.closeAllConnections();
  return report;
}
