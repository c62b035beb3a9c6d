import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_LIMITS, guard, timeoutReporter, type HttpLimits } from './guard.js';
import { clientErrorAnswer, rawResponse, refuseConnect } from './client-errors.js';
import { ALLOW, createHandler, type Admission } from './handler.js';
import type { StoreSetting } from './store-setting.js';
import type { ShutdownReport, TaskPool } from './task-pool.js';
import { Telemetry } from './telemetry.js';
import type { TaskKind } from './task-kind.js';

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
  /** What each task does for its `taskMs`: sleep (the article's), or compute on a thread. Default: `sleep`. */
  taskKind?: TaskKind | undefined;
  /** With `taskKind: 'cpu'`: the threads tasks compute on. Default: one per core (GOMAXPROCS). */
  threads?: number | undefined;
  /**
   * With `taskKind: 'cpu'`: how much nicer (0 to 19) than the server's own
   * thread the threads are, so that the server's thread, which answers the
   * requests, gets a core first while every thread computes (Linux;
   * `@gochan/pool`'s `nice`). Default 0.
   */
  threadNice?: number | undefined;
  /**
   * How long a cancelled task has to return (the pool's `cancelGraceMs`):
   * a shutdown past its timeout waits this long more before it reports, and
   * a `cpu` task that has not returned by then has its thread ended. Default:
   * the pool's (`CANCEL_GRACE_MS`, 100 ms).
   */
  cancelGraceMs?: number | undefined;
  /** What the server grants one client: timeouts and the connection limit. Default: {@link DEFAULT_LIMITS}. */
  limits?: HttpLimits | undefined;
  /** Where the lines and metrics go. Default: a Telemetry of its own, writing text. */
  telemetry?: Telemetry | undefined;
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
  /** App.telemetry has the server's lines, metrics and the dashboard's history. */
  readonly telemetry: Telemetry;
  /** App.warnings are what the operator should know of the store at start (a Redis that persists nothing): `serve` prints them on stderr. */
  readonly warnings?: readonly string[];
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
 * routes of {@link createHandler}, an answer for what Node cannot take
 * (400, 408 past a timeout, 431, 501: see {@link clientErrorAnswer}), 405
 * for CONNECT, the limits of `options.limits`, the metrics and the
 * dashboard of `options.telemetry`, and the shutdown of all. Nothing
 * listens yet and no signal is handled: that is `serve`'s part, so tests can
 * run many apps in one process.
 */
export function createTaskServer(
  pool: TaskPool,
  { limits = DEFAULT_LIMITS, telemetry = new Telemetry() }: { limits?: HttpLimits | undefined; telemetry?: Telemetry | undefined } = {},
): App {
  const admission: Admission = { shuttingDown: false, waiting: 0, waitingSince: new Map() };
  const server = createServer(createHandler(pool, admission, telemetry));
  const connections = guard(server, limits, telemetry);
  const timedOut = timeoutReporter(telemetry, limits);
  // A request Node cannot parse never reaches the handler: answer it (400,
  // 408 past a timeout, 431, 501: see clientErrorAnswer) and hang up, and
  // never let it throw. One too slow to arrive is said.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') timedOut((socket as { remoteAddress?: string }).remoteAddress ?? 'an unknown address');
    if (socket.writable) {
      socket.end(rawResponse(clientErrorAnswer(error, ALLOW)));
    } else {
      socket.destroy();
    }
  });
  refuseConnect(server, ALLOW);
  telemetry.watch({
    stats: () => pool.stats(),
    waiting: () => admission.waiting,
    oldestWaitMs: () => {
      const oldest = admission.waitingSince.values().next();
      return oldest.done ? 0 : performance.now() - oldest.value;
    },
    connections,
    metrics: pool.metrics === undefined ? undefined : () => pool.metrics!(),
  });

  let report: Promise<ShutdownReport> | undefined;
  return {
    server,
    pool,
    telemetry,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          // From now on an error of the listener (out of file descriptors at accept) is said, not fatal.
          server.on('error', (error) => telemetry.log.error(`server error: ${error.message}`, { event: 'server-error' }));
          resolve((server.address() as AddressInfo).port);
        });
      }),
    shutdown: (timeoutMs) => (report ??= shutdown(server, pool, admission, timeoutMs).finally(() => telemetry.stop())),
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
