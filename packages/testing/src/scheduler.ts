import fc, { cloneMethod, toStringMethod } from 'fast-check';
import { run, type RunOptions } from './runtime.js';

/*
 * The arbitrary of a run: fast-check's own scheduler (the order in which
 * woken operations resume) and a seed (select's random draws), drawn
 * together so that fast-check's seed and path replay both. fast-check does
 * not shrink a scheduler; the seed shrinks towards 0, and the other
 * arbitraries of the property (the program) shrink as usual.
 */

/**
 * GoScheduler is what {@link scheduler} generates: a fast-check scheduler
 * plus the seed of select's draws, standing in for Go's runtime scheduler
 * (which goroutine runs next) and its `fastrand` (which ready case a select
 * takes). Printed, it shows the seed and the schedule fast-check followed.
 */
export class GoScheduler {
  /** The fast-check scheduler: schedule your own promises on it, to mix them into the interleavings. */
  readonly scheduler: fc.Scheduler;
  /** The seed of select's random draws. */
  readonly seed: number;

  /**
   * @param scheduler - A fast-check scheduler, fresh for this run.
   * @param seed - The seed of select's draws.
   */
  constructor(scheduler: fc.Scheduler, seed: number) {
    this.scheduler = scheduler;
    this.seed = seed;
    // fast-check's protocols, set here rather than declared: a computed
    // member cannot be declared under isolatedDeclarations. cloneMethod
    // gives fast-check a fresh copy with the same decisions to come, for
    // each replay; toStringMethod prints the seed and the schedule.
    const clone = (): GoScheduler => new GoScheduler((scheduler as unknown as Record<symbol, () => fc.Scheduler>)[cloneMethod]!(), seed);
    Object.defineProperty(this, cloneMethod, { value: clone });
    Object.defineProperty(this, toStringMethod, { value: () => this.toString() });
  }

  /**
   * run is {@link run} with this scheduler and seed: `body` runs as Go's
   * main, every gochan wait in it under the scheduler.
   */
  run<T>(body: () => T | PromiseLike<T>, options: Omit<RunOptions, 'seed'> = {}): Promise<Awaited<T>> {
    return run(this.scheduler, body, { ...options, seed: this.seed });
  }

  /** toString shows the seed and the schedule so far, as fast-check prints a counterexample. */
  toString(): string {
    return `GoScheduler(seed ${this.seed}) ${String(this.scheduler)}`;
  }
}

/**
 * scheduler is the fast-check arbitrary of a Go-like scheduler: use it in
 * `fc.asyncProperty` and call `s.run(body)` to run gochan code under it, as
 * `go test` runs a program under Go's scheduler, but with every
 * interleaving open to fast-check.
 *
 * @example
 * ```ts
 * await fc.assert(fc.asyncProperty(scheduler(), (s) => s.run(async () => {
 *   const ch = new Channel<number>();
 *   void ch.send(1);
 *   await ch.recv();
 * })));
 * ```
 */
export function scheduler(): fc.Arbitrary<GoScheduler> {
  return fc.tuple(fc.scheduler(), fc.integer()).map(([s, seed]) => new GoScheduler(s, seed));
}
