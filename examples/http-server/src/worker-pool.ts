import { Channel } from '@gochan/channel';
import { background, withCancel, type CancelFunc, type Context } from '@gochan/context';
import type { WaitGroup } from '@gochan/waitgroup';
import type { Task } from './task.js';
import type { Telemetry } from './telemetry.js';
import { newWorker, type Worker, type WorkerState } from './worker.js';

/** WorkerPool is the article's `WorkerPool`: the workers and the task channel they share. */
export class WorkerPool {
  /** WorkerPool.workers are the pool's workers, ids 1 to n. */
  readonly workers: readonly Worker[];
  /**
   * WorkerPool.taskQueue is the buffered task channel. A send waits while it
   * is full (backpressure); closing it tells the workers to finish up.
   */
  readonly taskQueue: Channel<Task>;
  /** WorkerPool.ctx is every task's context; cancelling it cancels them all. */
  readonly ctx: Context;
  /** WorkerPool.cancel cancels `ctx`. */
  readonly cancel: CancelFunc;

  constructor(workers: readonly Worker[], taskQueue: Channel<Task>, ctx: Context, cancel: CancelFunc) {
    this.workers = workers;
    this.taskQueue = taskQueue;
    this.ctx = ctx;
    this.cancel = cancel;
  }

  /** newTask makes the task for `id`, under the pool's context. */
  newTask(id: string): Task {
    return { id, ctx: this.ctx, queuedAt: performance.now() };
  }

  /** stats says where every task is: queued, in a worker's hands, or done. */
  stats(): PoolStats {
    return {
      queued: this.taskQueue.length,
      active: this.workers.filter((worker) => worker.state === 'busy').length,
      completed: this.workers.reduce((sum, worker) => sum + worker.completed, 0),
      failed: this.workers.reduce((sum, worker) => sum + worker.cutOff.length, 0),
      workers: this.workers.map(({ id, state, task }) => (task === undefined ? { id, state } : { id, state, taskId: task.id })),
    };
  }
}

/** PoolStats is the pool's state as `GET /stats` shows it. */
export interface PoolStats {
  /** Tasks in the channel's buffer, not yet taken by a worker. */
  queued: number;
  /** Tasks in a worker's hands. */
  active: number;
  /** Tasks finished. */
  completed: number;
  /** Tasks cancelled (at a shutdown that ran out of time). */
  failed: number;
  workers: { id: number; state: WorkerState; taskId?: string }[];
}

/** WorkerPoolOptions are the pool's sizes. */
export interface WorkerPoolOptions {
  /** The task channel's capacity: how many tasks may wait for a worker. */
  queueSize: number;
  /** How long each task's work takes. */
  taskMs: number;
  /** Where the workers' lines and the tasks' timings go. */
  telemetry: Telemetry;
}

/**
 * newWorkerPool makes the task channel and starts `numWorkers` workers on it,
 * counting each in `wg`, like the article's `NewWorkerPool`.
 */
export function newWorkerPool(numWorkers: number, wg: WaitGroup, options: WorkerPoolOptions): WorkerPool {
  const taskQueue = new Channel<Task>(options.queueSize);
  const [ctx, cancel] = withCancel(background());
  const workers: Worker[] = [];
  for (let i = 0; i < numWorkers; i++) {
    wg.add(1);
    workers.push(newWorker(i + 1, wg, taskQueue, options.taskMs, options.telemetry));
  }
  return new WorkerPool(workers, taskQueue, ctx, cancel);
}
