import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { integerFromEnv } from './env.js';
import { DEFAULT_LIMITS, type HttpLimits } from './guard.js';
import { logFor, parseLogFormat, type Log } from './log.js';
import type { App, AppOptions } from './server.js';
import { storeWhere } from './store-notice.js';
import { parseStore, type StoreKind, type StoreSetting } from './store-setting.js';
import { parseTaskKind, type TaskKind } from './task-kind.js';
import { Telemetry } from './telemetry.js';

/** ServeOptions say what a version of the server can run on, and what it runs on by default. */
export interface ServeOptions {
  /** The `STORE` used when it is unset: `memory`, or `sqlite:<path>`. */
  defaultStore: string;
  /** The kinds of store this version accepts. */
  stores: readonly StoreKind[];
  /** Where to write the process id once listening, when PID_FILE is unset (removed at a clean exit). Default: none. */
  pidFile?: string | undefined;
  /** The kinds of task (`TASK_KIND`) this version runs. Default: `sleep` only. */
  taskKinds?: readonly TaskKind[] | undefined;
}

/**
 * serve is the program's `main`, whatever pool `createApp` builds on: it
 * reads the settings, starts the app, prints `Server running on :{port}`
 * (then, for a version that can keep its tasks in a store, where they are:
 * `Tasks in data/tasks.db (SQLite, queue tasks)`, and on stderr the app's
 * warnings, such as a Redis that persists nothing), and shuts down gracefully on SIGINT or SIGTERM, printing
 * `Shutdown complete`.
 *
 * Environment: PORT (8081; 0 picks a free port), WORKERS (4), TASK_MS
 * (10000), TASK_KIND (`sleep`; `cpu` computes for TASK_MS on a thread, where
 * `options.taskKinds` allow), THREADS (one per core: the threads `cpu`
 * tasks run on), THREAD_NICE (0: how much nicer than the server's thread
 * those threads are, 0 to 19, Linux), CANCEL_GRACE_MS (the pool's
 * `cancelGraceMs`, 100: how long a cancelled task has to return before a
 * shutdown reports it, and before a `cpu` task's thread is ended), QUEUE_SIZE (1000), SHUTDOWN_TIMEOUT_MS (30000: past it the tasks
 * left are cancelled and named, and the exit status is 1), STORE (`memory`
 * or `sqlite:<path>`, as `options` allow), QUEUE (`tasks`: the queue's name
 * within the store) and LEASE_MS (10000: how long a stored task stays with
 * a process that stopped renewing it). LOG_FORMAT (`text`, the article's
 * lines; `json`: one JSON object per line). HEADERS_TIMEOUT_MS (10000),
 * REQUEST_TIMEOUT_MS (30000), KEEP_ALIVE_TIMEOUT_MS (5000),
 * MAX_CONNECTIONS (900) and MAX_CONNECTIONS_PER_ADDRESS (256): see
 * {@link HttpLimits}. PID_FILE (`options.pidFile`; empty: none): where the
 * process id is written once listening, for a `kill` that hits this server
 * and no other. An invalid setting is named (as JSON under LOG_FORMAT=json)
 * and the exit status is 2; a port that cannot be listened on, or a store
 * that cannot be opened, 1. Once the shutdown is reported the process exits
 * at once, as a Go program does when main returns, whatever handle a
 * library may have left open.
 *
 * @example
 * ```ts
 * await serve(createApp, { defaultStore: 'memory', stores: ['memory'] });
 * ```
 */
export async function serve(createApp: (options: AppOptions) => App | Promise<App>, options: ServeOptions): Promise<void> {
  const settings = readSettings(options);
  const { log } = settings.telemetry;
  let app: App;
  try {
    app = await createApp(settings);
  } catch (error) {
    log.error(`server error: ${(error as Error).message}`, { event: 'server-error' });
    process.exit(1);
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    // Only the first signal counts. Ctrl-C under a package manager arrives
    // twice, from the terminal and forwarded by the wrapper, and a second
    // press must not cut the drain short: SHUTDOWN_TIMEOUT_MS bounds it.
    if (stopping) {
      return;
    }
    stopping = true;
    const { queued, active, store } = app.pool.stats();
    const kept = store === undefined ? '' : `; ${store.waiting} waiting task(s) stay in the store for the next start`;
    // A signal asked for it: the normal course, said at info level.
    log.notice(
      `${signal}: shutting down; finishing ${active} running and ${queued} queued task(s), for at most ${settings.shutdownTimeoutMs} ms${kept}`,
      { event: 'shutdown-start', signal, active, queued, timeoutMs: settings.shutdownTimeoutMs },
    );
    void app.shutdown(settings.shutdownTimeoutMs).then(({ timedOut, cutOff, notStarted, keptInStore }) => {
      if (timedOut) {
        const list = (ids: string[]): string => (ids.length === 0 ? '' : `: ${ids.join(', ')}`);
        log.error(
          `Shutdown timed out after ${settings.shutdownTimeoutMs} ms; cut off ${cutOff.length} running task(s)${list(cutOff)}; ` +
            `${notStarted.length} never started${list(notStarted)}` +
            (keptInStore ? '; all back in the store, for the next start' : ''),
          { event: 'shutdown-timeout', cutOff: cutOff.length, notStarted: notStarted.length },
        );
        process.exit(1);
      }
      log.info('Shutdown complete', { event: 'shutdown-complete' });
      // Go's main returns: the program ends here, not when the last handle
      // (a library's socket or timer) lets the event loop go. The lines are
      // written (stdout and stderr are synchronous on pipes and files).
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  try {
    const port = await app.listen(settings.port);
    if (settings.pidFile !== undefined) writePidFile(settings.pidFile);
    log.info(`Server running on :${port}`, { event: 'listening', port, pid: process.pid });
    // Where the tasks are kept, when there is a choice; and what could lose them.
    if (options.stores.some((kind) => kind !== 'memory')) {
      log.info(storeWhere(settings.store, settings.queue), { event: 'store', store: settings.store.kind });
    }
    for (const warning of app.warnings ?? []) log.warn(warning, { event: 'store-warning' });
  } catch (error) {
    log.error(`server error: ${(error as Error).message}`, { event: 'server-error' });
    process.exit(1);
  }
}

function readSettings({ defaultStore, stores, pidFile, taskKinds = ['sleep'] }: ServeOptions): AppOptions & { port: number; shutdownTimeoutMs: number; telemetry: Telemetry; store: StoreSetting; queue: string; pidFile: string | undefined } {
  // LOG_FORMAT first: every other setting's error is said in the format it names.
  let log: Log;
  try {
    log = logFor(parseLogFormat(process.env.LOG_FORMAT));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  try {
    const limits: HttpLimits = {
      headersTimeoutMs: integerFromEnv('HEADERS_TIMEOUT_MS', DEFAULT_LIMITS.headersTimeoutMs, 1),
      requestTimeoutMs: integerFromEnv('REQUEST_TIMEOUT_MS', DEFAULT_LIMITS.requestTimeoutMs, 1),
      keepAliveTimeoutMs: integerFromEnv('KEEP_ALIVE_TIMEOUT_MS', DEFAULT_LIMITS.keepAliveTimeoutMs, 1),
      maxConnections: integerFromEnv('MAX_CONNECTIONS', DEFAULT_LIMITS.maxConnections, 1),
      maxConnectionsPerAddress: integerFromEnv('MAX_CONNECTIONS_PER_ADDRESS', DEFAULT_LIMITS.maxConnectionsPerAddress, 1),
    };
    const telemetry = new Telemetry(log);
    const pid = process.env.PID_FILE ?? pidFile;
    return {
      limits,
      telemetry,
      pidFile: pid === undefined || pid.trim() === '' ? undefined : pid,
      port: integerFromEnv('PORT', 8081),
      workers: integerFromEnv('WORKERS', 4, 1),
      taskMs: integerFromEnv('TASK_MS', 10_000),
      taskKind: parseTaskKind(nonEmpty('TASK_KIND') ?? 'sleep', taskKinds),
      threads: integerFromEnv('THREADS', undefined, 1),
      threadNice: integerFromEnv('THREAD_NICE', undefined, 0, 19),
      cancelGraceMs: integerFromEnv('CANCEL_GRACE_MS', undefined, 0, MAX_GRACE_MS),
      queueSize: integerFromEnv('QUEUE_SIZE', 1000),
      shutdownTimeoutMs: integerFromEnv('SHUTDOWN_TIMEOUT_MS', 30_000),
      store: parseStore(nonEmpty('STORE') ?? defaultStore, stores),
      queue: queueName(nonEmpty('QUEUE') ?? 'tasks'),
      leaseMs: integerFromEnv('LEASE_MS', 10_000, 30),
    };
  } catch (error) {
    log.error((error as Error).message, { event: 'settings-error' });
    process.exit(2);
  }
}

/** Writes this process's id to `path` (its folder made if missing), and removes it at the exit if it is still ours. */
function writePidFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${process.pid}\n`);
  process.on('exit', () => {
    try {
      if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path);
    } catch {
      // Gone already: nothing to remove.
    }
  });
}

/** The longest CANCEL_GRACE_MS: a day, well inside what a timer holds (2^31 - 1 ms). */
const MAX_GRACE_MS = 86_400_000;

function nonEmpty(name: string): string | undefined {
  const text = process.env[name]?.trim();
  return text === undefined || text === '' ? undefined : text;
}

/** A queue's name: what a store's keys and rows carry, so printable and short. */
function queueName(text: string): string {
  if (text.length > 64 || !/^[\w.:-]+$/.test(text)) {
    throw new RangeError(`Expected \`QUEUE\` to be 1 to 64 letters, digits or _ . : -, got ${JSON.stringify(text)}`);
  }
  return text;
}
