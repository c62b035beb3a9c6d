import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, recv, select } from '@gochan/channel';
import { PoolClosedError, WorkerPool } from '@gochan/pool';

// The second article's server again, on @gochan/pool: the pool brings the
// task channel, the workers, the WaitGroup, the context, the stats and the
// bounded shutdown, so what is left is the work itself and the HTTP around it.

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
  /** The ids of the tasks cancelled then: those running first, then those never started. */
  cancelled: string[];
}

/** App is the server and its pool, not yet listening and with no signal handled. */
export interface App {
  readonly server: Server;
  readonly pool: WorkerPool<undefined>;
  /** listen starts accepting connections on `port` (0: any free port) and resolves with the port. */
  listen(port: number, host?: string): Promise<number>;
  /**
   * shutdown refuses new requests (503, and the listener closes), lets the
   * pool finish what it holds, and past `timeoutMs` cancels what is left and
   * names it. A second call returns the first call's report.
   */
  shutdown(timeoutMs: number): Promise<ShutdownReport>;
}

/** MAX_ID_LENGTH is the longest task id accepted, in characters. */
export const MAX_ID_LENGTH = 256;

/** createApp makes the pool and the HTTP server that feeds it. */
export function createApp({ workers, queueSize, taskMs }: AppOptions): App {
  const cancelledWhileRunning: string[] = [];
  const pool = new WorkerPool<undefined>({
    workers,
    queueSize,
    handler: async (task, ctx, worker) => {
      console.log(`Worker ${worker.id} processing task ID ${task.id}`);
      // The article's time.Sleep, cut short when the context is cancelled.
      const [index] = await select([recv(after(taskMs, ctx.signal)), recv(ctx.done())]);
      if (index === 1) throw ctx.err();
      console.log(`Worker ${worker.id} finished task ID ${task.id}`);
    },
    onError: (error, task, worker) => {
      cancelledWhileRunning.push(task.id);
      console.log(`Worker ${worker.id} cancelled task ID ${task.id}: ${(error as Error).message}`);
    },
  });
  const admission = { shuttingDown: false, waiting: 0 };
  const server = createServer(createHandler(pool, admission));
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  let report: Promise<ShutdownReport> | undefined;
  const shutdown = async (timeoutMs: number): Promise<ShutdownReport> => {
    admission.shuttingDown = true;
    server.close();
    server.closeIdleConnections();
    const { timedOut, unfinished } = await pool.shutdown({ timeout: timeoutMs });
    server.closeAllConnections();
    return { timedOut, cancelled: [...cancelledWhileRunning, ...unfinished.map((task) => task.id)] };
  };
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
    shutdown: (timeoutMs) => (report ??= shutdown(timeoutMs)),
  };
}

/**
 * createHandler: `GET /task/{id}` submits a task (waiting while the queue is
 * full, withdrawn if the client leaves meanwhile) and answers 200; `GET
 * /stats` answers the pool's stats; 404, 405, 400 and 503 otherwise.
 */
function createHandler(pool: WorkerPool<undefined>, admission: { shuttingDown: boolean; waiting: number }): RequestListener {
  return async (request, response) => {
    if (admission.shuttingDown) return reply(response, 503, 'Shutting down\n', { Connection: 'close' });
    const path = (request.url ?? '').split('?', 1)[0]!;
    const isTask = path.startsWith('/task/') && !path.slice('/task/'.length).includes('/');
    if (path !== '/stats' && !isTask) return reply(response, 404, 'Not found\n');
    if (request.method !== 'GET') return reply(response, 405, 'Method not allowed\n', { Allow: 'GET' });
    if (path === '/stats') {
      const body = JSON.stringify({ ...pool.stats(), waiting: admission.waiting });
      return reply(response, 200, `${body}\n`, { 'Content-Type': 'application/json' });
    }
    let id: string;
    try {
      id = decodeURIComponent(path.slice('/task/'.length));
    } catch {
      return reply(response, 400, 'Expected a task ID in valid percent-encoding\n');
    }
    if (id === '' || id.length > MAX_ID_LENGTH || /\p{Cc}/u.test(id)) {
      return reply(response, 400, `Expected a task ID of 1 to ${MAX_ID_LENGTH} characters, none a control character\n`);
    }
    // A client that goes away while its request waits for room withdraws the task.
    const clientGone = new AbortController();
    const onClose = (): void => void (response.writableEnded || clientGone.abort());
    response.on('close', onClose);
    admission.waiting++;
    try {
      await pool.submit({ id, payload: undefined }, clientGone.signal);
    } catch (error) {
      if (error instanceof PoolClosedError) return reply(response, 503, 'Shutting down\n', { Connection: 'close' });
      if (!clientGone.signal.aborted) console.error(`GET /task/${id}: ${String(error)}`);
      return reply(response, 500, 'Internal server error\n');
    } finally {
      admission.waiting--;
      response.off('close', onClose);
    }
    reply(response, 200, `Task ID ${id} added\n`);
  };
}

function reply(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  response.end(body);
}
