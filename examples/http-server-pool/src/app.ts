import { after, recv, select } from '@gochan/channel';
import type { Context } from '@gochan/context';
import { createTaskServer, type App, type AppOptions } from '@gochan/example-http-server/server';
import { redisWarnings } from '@gochan/example-http-server/store-notice';
import { TASK_BUCKETS, Telemetry } from '@gochan/example-http-server/telemetry';
import { PoolClosedError, WorkerPool, type Job, type Store, type Worker } from '@gochan/pool';
import { RedisStore } from '@gochan/store-redis';
import { SqliteStore } from '@gochan/store-sqlite';

// The second article's server again, on @gochan/pool: the pool brings the
// task channel, the workers, the WaitGroup, the context, the stats and the
// bounded shutdown, and the HTTP around it is the hand-built server's. What
// is left is the work itself, and where the tasks wait: in memory as in the
// article, or in a SQLite file that outlives the process (STORE); and what
// a task does: sleep, as the article's, or compute on a thread (TASK_KIND).

/** The task of TASK_KIND=cpu: a module, run on @gochan/threads (built JavaScript, also under the tests). */
const CPU_TASK = new URL(import.meta.url.endsWith('.ts') ? '../dist/cpu-task.js' : './cpu-task.js', import.meta.url);

/**
 * createApp makes the pool (on the store `options.store` names) and puts the
 * hand-built server's HTTP in front of it. It resolves once the store is
 * open (Redis connected and checked).
 *
 * @throws SqliteStoreError when the SQLite file cannot be opened or is not a store's.
 * @throws RedisStoreError when Redis cannot be reached, refuses the password, or holds a key of another type at the queue's name.
 */
export async function createApp({
  workers,
  queueSize,
  taskMs,
  taskKind = 'sleep',
  threads,
  threadNice,
  cancelGraceMs,
  store: setting,
  queue = 'tasks',
  leaseMs = 10_000,
  limits,
  telemetry = new Telemetry(),
}: AppOptions): Promise<App> {
  const redis = setting?.kind === 'redis' ? await RedisStore.open({ url: setting.url, queue, leaseMs }) : undefined;
  const store: (Store & { close(): Promise<void> }) | undefined = setting?.kind === 'sqlite' ? new SqliteStore(setting.path, { queue, leaseMs }) : redis;
  // What the Redis said of its persistence at open: serve prints a warning where a crash of it could lose tasks answered 200.
  const warnings = redis === undefined || setting?.kind !== 'redis' ? [] : redisWarnings(setting.url, redis.durability);
  const cpu = taskKind === 'cpu';
  // The tasks running, for the lines of those a shutdown cuts off on a thread (which cannot print them here).
  const running = new Map<string, { worker: number; startedAt: number; attempt: number | undefined }>();
  const pool = new WorkerPool<number | undefined>({
    workers,
    queueSize,
    store,
    // TASK_KIND=cpu: each task computes for its payload's milliseconds on a thread (cpu-task.ts).
    threads: cpu ? threads : undefined,
    nice: cpu ? threadNice : undefined,
    cancelGraceMs,
    // A task takes seconds: claiming ahead of the workers would gain nothing,
    // and what a crashed server had claimed waits out its lease.
    prefetch: store === undefined ? undefined : 0,
    handler: cpu ? CPU_TASK : (task, ctx, worker) => work(task, ctx, worker, taskMs, telemetry),
    // The counts and timings of /metrics and the dashboard: the pool's own,
    // read at each scrape. A task here takes seconds, so every one is timed
    // (the clock's microsecond is nothing beside it).
    metrics: { sampleEvery: 1, buckets: TASK_BUCKETS },
    // The workers' lines, which need every task: the observer, with its timings.
    observer: {
      start: ({ job, worker, queueWaitMs }) => {
        running.set(job.id, { worker: worker.id, startedAt: performance.now(), attempt: job.attempt });
        telemetry.processing({ worker: worker.id, id: job.id, queueWaitMs, attempt: job.attempt });
      },
      finish: ({ job, worker, queueWaitMs, runMs }) => {
        running.delete(job.id);
        telemetry.finished({ worker: worker.id, id: job.id, queueWaitMs, runMs, attempt: job.attempt });
      },
      // With a store, a failed task runs again (three attempts in all); the
      // only failure here is a deadline, which the tasks of this server have not.
      fail: ({ job, worker, queueWaitMs, runMs, error, fate }) => {
        running.delete(job.id);
        telemetry.failed({ worker: worker.id, id: job.id, queueWaitMs, runMs, attempt: job.attempt }, (error as Error).message, fate, true);
      },
      retry: () => telemetry.retried(),
    },
    // The observer has said it (fail): nothing more to log.
    onError: () => {},
  });
  const app = createTaskServer(
    {
    submit: (id, signal) => pool.submit({ id, payload: cpu ? taskMs : undefined }, signal),
    isClosedError: (error) => error instanceof PoolClosedError,
    // With a store, its counts and its own dealings (on Redis: redelivered, recovered, the last poll) as `store`.
    stats: () => pool.stats(),
    metrics: () => pool.metrics(),
    shutdown: async (timeoutMs) => {
      const { timedOut, cutOff, notStarted } = await pool.shutdown({ timeout: timeoutMs });
      // A sleep task says it was cancelled itself (work); a cpu task, on its thread, through this.
      for (const task of cpu ? cutOff : []) {
        const run = running.get(task.id);
        if (run !== undefined) telemetry.cancelled({ worker: run.worker, id: task.id, runMs: performance.now() - run.startedAt, attempt: run.attempt }, 'context canceled');
      }
      // Every write is in; the file is left whole for the next start.
      await store?.close();
      return { timedOut, cutOff: cutOff.map((task) => task.id), notStarted: notStarted.map((task) => task.id), keptInStore: store !== undefined };
    },
    },
    { limits, telemetry },
  );
  return { ...app, warnings };
}

/**
 * The task: the article's time.Sleep, cut short when the context is
 * cancelled (at a shutdown past its timeout). Its `processing` and
 * `finished` lines come from the pool's observer, which times them.
 */
async function work(task: Job<number | undefined>, ctx: Context, worker: Worker<number | undefined>, taskMs: number, telemetry: Telemetry): Promise<void> {
  const started = performance.now();
  const [index] = await select([recv(after(taskMs, ctx.signal)), recv(ctx.done())]);
  if (index === 1) {
    telemetry.cancelled({ worker: worker.id, id: task.id, runMs: performance.now() - started, attempt: task.attempt }, ctx.err()!.message);
    throw ctx.err();
  }
}
