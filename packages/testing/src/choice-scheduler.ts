import type { SchedulerLike } from './runtime.js';

/*
 * A scheduler whose decisions are a list of numbers that fast-check
 * generates, and therefore shrinks. fast-check's own scheduler draws its
 * decisions from a random stream that it never shrinks; here decision k
 * (the k-th time run() releases a task) is `choices[k] % runnable`, the
 * index among the runnable tasks in the order they became runnable, and
 * once the list is used up every decision is 0: the oldest runnable task
 * goes first, the fair FIFO order a run with no choices follows. So a
 * failing schedule shrinks towards the fewest and smallest departures from
 * FIFO, and what it prints is short.
 *
 * Invariant: `runnable` holds the tasks scheduled and not yet released,
 * oldest first; a task leaves it exactly when waitOne releases it.
 */

/** One scheduled task: its promise, its label, and how to release its waiter. */
interface Task {
  readonly label: string;
  readonly task: Promise<unknown>;
  readonly release: () => void;
}

/**
 * ChoiceScheduler is the scheduler behind {@link scheduler}, in the place of
 * Go's runtime scheduler: it releases woken operations in the order a list
 * of choices says, a list fast-check generates and shrinks. It has the part
 * of fast-check's `fc.Scheduler` that {@link run} uses, and `schedule` for
 * your own promises.
 */
export class ChoiceScheduler implements SchedulerLike {
  /** Tasks scheduled and not yet released, oldest first. */
  private readonly runnable: Task[] = [];
  /** How many decisions have been made. */
  private decisions = 0;
  /** What was released, in order: the schedule as it printed. */
  private readonly log: string[] = [];
  /** The index each decision took (choice % runnable): what the choices meant in this run. */
  private readonly taken: number[] = [];

  /** @param choices - Decision k releases runnable task `choices[k] % runnable` (0: the oldest); past the list, the oldest. */
  constructor(readonly choices: readonly number[]) {}

  /** Holds `task`'s result back until waitOne releases it (fast-check's `s.schedule`). */
  schedule<T>(task: Promise<T>, label?: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.runnable.push({ label: label ?? '', task, release: () => void task.then(resolve, reject) });
    });
  }

  /** How many tasks wait to be released. */
  count(): number {
    return this.runnable.length;
  }

  /** Releases one task, as the next choice says, and resolves once its promise has settled. */
  waitOne(): Promise<void> {
    if (this.runnable.length === 0) return Promise.reject(new Error('ChoiceScheduler: no task scheduled'));
    const choice = this.decisions < this.choices.length ? (this.choices[this.decisions] as number) : 0;
    this.decisions++;
    const index = choice % this.runnable.length;
    this.taken.push(index);
    const [task] = this.runnable.splice(index, 1) as [Task];
    this.log.push(`${index === 0 ? ' ' : '*'} ${index}/${this.runnable.length + 1}  ${task.label}`);
    task.release();
    return task.task.then(noop, noop);
  }

  /**
   * The schedule so far: the index each decision took, up to the last
   * departure from oldest-first (the raw choices may differ and still mean
   * the same: fast-check shrinks them modulo the runnable count), then one
   * line per release, `*` where it departed, "index/runnable", the label.
   */
  toString(): string {
    let last = this.taken.length;
    while (last > 0 && this.taken[last - 1] === 0) last--;
    return `choices [${this.taken.slice(0, last).join(',')}]\n${this.log.join('\n')}`;
  }
}

function noop(): void {}
