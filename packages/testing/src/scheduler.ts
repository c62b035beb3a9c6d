import fc, { cloneMethod, toStringMethod } from 'fast-check';
import { ChoiceScheduler } from './choice-scheduler.js';
import { run, type RunOptions } from './runtime.js';

/*
 * The arbitrary of a run: the list of scheduling choices (which woken
 * operation resumes next, see choice-scheduler.ts) and the seed of select's
 * random draws, drawn together so that fast-check's seed and path replay
 * both. Both shrink: the choices towards the plain FIFO order, the seed
 * towards 0, beside the property's other arbitraries (the program).
 */

/** SchedulerOptions are the options of {@link scheduler}: how many of the run's scheduling decisions (Go's scheduler picking the next goroutine) fast-check makes. */
export interface SchedulerOptions {
  /**
   * How many scheduling decisions fast-check makes; after them, woken
   * operations resume oldest first. Raise it for long programs whose bugs
   * need late reorderings.
   * @default 200
   */
  maxChoices?: number;
}

/**
 * GoScheduler is what {@link scheduler} generates: the decisions of Go's
 * runtime scheduler (which woken goroutine runs next) and of its `fastrand`
 * (which ready case a select takes), chosen by fast-check. Printed, it shows
 * the seed and the schedule followed, one line per resumption.
 */
export class GoScheduler {
  /** The scheduler of this run: `s.scheduler.schedule(promise, label)` mixes your own promises into the interleavings. */
  readonly scheduler: ChoiceScheduler;
  /** The seed of select's random draws. */
  readonly seed: number;

  /**
   * @param choices - The scheduling decisions (see {@link scheduler}).
   * @param seed - The seed of select's draws.
   */
  constructor(choices: readonly number[], seed: number) {
    this.scheduler = new ChoiceScheduler(choices);
    this.seed = seed;
    // fast-check's protocols, set here rather than declared: a computed
    // member cannot be declared under isolatedDeclarations. cloneMethod
    // gives fast-check a fresh copy with the same decisions to come, for
    // each replay; toStringMethod prints the seed and the schedule.
    Object.defineProperty(this, cloneMethod, { value: () => new GoScheduler(choices, seed) });
    Object.defineProperty(this, toStringMethod, { value: () => this.toString() });
  }

  /**
   * run is {@link run} with this scheduler and seed: `body` runs as Go's
   * main, every gochan wait in it under the scheduler.
   */
  run<T>(body: () => T | PromiseLike<T>, options: Omit<RunOptions, 'seed'> = {}): Promise<Awaited<T>> {
    return run(this.scheduler, body, { ...options, seed: this.seed });
  }

  /** toString shows the seed and the schedule so far (`*` marks a departure from oldest-first), as fast-check prints a counterexample. */
  toString(): string {
    return `GoScheduler(seed ${this.seed}, ${String(this.scheduler)})`;
  }
}

/**
 * scheduler is the fast-check arbitrary of a Go-like scheduler: use it in
 * `fc.asyncProperty` and call `s.run(body)` to run gochan code under it, as
 * `go test` runs a program under Go's scheduler, but with every
 * interleaving open to fast-check. Its decisions shrink: a failing run
 * shrinks towards the fewest departures from the oldest-first order.
 *
 * @throws RangeError if `maxChoices` is not a non-negative safe integer.
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
export function scheduler(options: SchedulerOptions = {}): fc.Arbitrary<GoScheduler> {
  const { maxChoices = 200 } = options;
  if (!Number.isSafeInteger(maxChoices) || maxChoices < 0) {
    throw new RangeError(`scheduler: expected \`maxChoices\` to be a non-negative safe integer, got ${String(maxChoices)}`);
  }
  return fc
    .tuple(fc.array(fc.nat({ max: 31 }), { maxLength: maxChoices }), fc.integer())
    .map(([choices, seed]) => new GoScheduler(choices, seed));
}
