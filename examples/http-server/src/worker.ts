import type { RecvChannel } from '@gochan/channel';
import type { WaitGroup } from '@gochan/waitgroup';
import { work, type Task } from './task.js';
import { Telemetry } from './telemetry.js';

/** WorkerState is what a worker is doing: waiting for a task, on one, or gone. */
export type WorkerState = 'idle' | 'busy' | 'stopped';

/**
 * Worker is one of the pool's fixed set of workers, the article's `Worker`:
 * an id and the task channel it takes its tasks from. It also keeps what
 * `GET /stats` shows: its state, its task, and what it has done.
 */
export class Worker {
  /** Worker.id is the worker's number, from 1. */
  readonly id: number;
  /** Worker.taskQueue is the pool's task channel, shared by every worker. */
  readonly taskQueue: RecvChannel<Task>;
  /** Worker.taskMs is how long each task's work takes. */
  readonly taskMs: number;
  /** Worker.state: 'busy' exactly while `task` is set; 'stopped' once start() returned. */
  state: WorkerState = 'idle';
  /** Worker.task is the task in hand while busy, else undefined. */
  task: Task | undefined = undefined;
  /** Worker.completed counts the tasks this worker finished. */
  completed = 0;
  /** Worker.cutOff lists the ids of the tasks this worker was running when they were cancelled. */
  readonly cutOff: string[] = [];
  /** Worker.notStarted lists the ids of the tasks this worker received once cancelled, and did not start. */
  readonly notStarted: string[] = [];
  /** Worker.telemetry takes the worker's lines and its tasks' timings. */
  readonly telemetry: Telemetry;

  constructor(id: number, taskQueue: RecvChannel<Task>, taskMs: number, telemetry: Telemetry = new Telemetry()) {
    this.id = id;
    this.taskQueue = taskQueue;
    this.taskMs = taskMs;
    this.telemetry = telemetry;
  }

  /**
   * start is the worker's loop: it takes tasks from the channel until the
   * channel is closed and drained, then calls `wg.done()` (Go's
   * `defer wg.Done()`), whatever happened.
   */
  async start(wg: WaitGroup): Promise<void> {
    try {
      for await (const task of this.taskQueue) {
        // Once the pool is cancelled, what is left in the queue is not
        // started: it is only counted, for the shutdown to name.
        if (task.ctx.err() !== undefined) {
          this.notStarted.push(task.id);
          continue;
        }
        this.state = 'busy';
        this.task = task;
        const started = performance.now();
        const queueWaitMs = task.queuedAt === undefined ? undefined : started - task.queuedAt;
        this.telemetry.processing({ worker: this.id, id: task.id, queueWaitMs });
        const err = await work(task, this.taskMs);
        const ended = { worker: this.id, id: task.id, queueWaitMs, runMs: performance.now() - started };
        if (err === undefined) {
          this.completed++;
          this.telemetry.finished(ended);
        } else {
          this.cutOff.push(task.id);
          this.telemetry.cancelled(ended, err.message);
          this.telemetry.failed(ended, err.message, undefined, false);
        }
        this.task = undefined;
        this.state = 'idle';
      }
    } finally {
      this.task = undefined;
      this.state = 'stopped';
      wg.done();
    }
  }
}

/**
 * newWorker makes a worker on `taskQueue` and puts it to work at once, like
 * the article's `NewWorker`: the caller has already counted it with
 * `wg.add(1)`.
 */
export function newWorker(id: number, wg: WaitGroup, taskQueue: RecvChannel<Task>, taskMs: number, telemetry?: Telemetry): Worker {
  const worker = new Worker(id, taskQueue, taskMs, telemetry);
  void worker.start(wg);
  return worker;
}
