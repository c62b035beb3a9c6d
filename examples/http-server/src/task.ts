import { after, recv, select } from '@gochan/channel';
import type { Context } from '@gochan/context';

/** Task is one queued piece of work, as the article has it, plus its context. */
export interface Task {
  /** Task.id is the `{id}` of `GET /task/{id}`, as printed. */
  readonly id: string;
  /**
   * Task.ctx cancels the task: once it is done, the task stops (or never
   * starts) and counts as failed. The pool's shutdown cancels it when its
   * time is up.
   */
  readonly ctx: Context;
  /** Task.queuedAt is when it was made, just before its send (performance.now()): its wait in the queue starts there. */
  readonly queuedAt?: number;
}

/**
 * work carries out a task: `ms` milliseconds of pretend work (the article's
 * `time.Sleep`) that stop early once the task's context is done.
 *
 * @returns undefined when the work is done, else the context's error.
 */
export async function work(task: Task, ms: number): Promise<Error | undefined> {
  const err = task.ctx.err();
  if (err !== undefined) {
    return err;
  }
  // The timer goes with the context: a cancelled task leaves no timer behind.
  const [index] = await select([recv(after(ms, task.ctx.signal)), recv(task.ctx.done())]);
  return index === 0 ? undefined : task.ctx.err();
}
