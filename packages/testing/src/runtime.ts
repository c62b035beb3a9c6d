import { currentHooks, installHooks, type ParkReason, type RuntimeHooks } from '@gochan/channel';
import type { Scheduler } from 'fast-check';
import { DeadlockError } from './deadlock-error.js';
import { recordMadeAt } from './labels.js';
import { ParkedList } from './parked.js';
import { seededRandom } from './random.js';
import { describeTarget, formatDeadlock, formatParked, goReason } from './report.js';
import { captureStack, firstPlace } from './stacks.js';
import { VirtualClock } from './virtual-clock.js';

/*
 * A test run: gochan code under fast-check's scheduler, in the place of Go's
 * runtime scheduler.
 *
 * Every operation that parks (send, receive, select, range, WaitGroup.wait,
 * a semaphore's or a mutex's acquire) hands its promise to `park`. When
 * that promise settles (a partner came, a close, an abort, a timer), the
 * operation is runnable; it does not resume then, but is handed to the
 * scheduler (`s.schedule`), and resumes when fast-check picks it. So the
 * order in which woken "goroutines" continue is fast-check's to choose, and
 * to replay from its seed.
 *
 * The driver loop, between two steps, lets the microtask queue drain (one
 * macrotask), then:
 *  1. the body has settled: the run is over (Go: main returned);
 *  2. the scheduler holds runnable tasks: release one (fast-check picks);
 *  3. a virtual timer is armed: jump the clock to it and fire it;
 *  4. otherwise wait one real timer turn (the body's own setTimeout(0)),
 *     and if still nothing can run: deadlock.
 *
 * Invariants:
 *  - Only woken operations are handed to the scheduler, never a parked
 *    one: fast-check's waitOne waits for the task it picks, and picking a
 *    parked one would stall the run.
 *  - Time moves only in step 3, when nothing else can run.
 *  - One run at a time: the hooks are a single slot.
 */

/** SchedulerLike is what {@link run} needs of a fast-check scheduler (`fc.scheduler()`), the part of Go's runtime scheduler a test hands over: who resumes next. */
export type SchedulerLike = Pick<Scheduler, 'schedule' | 'count' | 'waitOne'>;

/** RunOptions are the options of {@link run}: the seed of select's draws (Go's fastrand) and a bound on steps. */
export interface RunOptions {
  /**
   * The seed of select's random draws. {@link scheduler} draws one from
   * fast-check; with a plain `fc.scheduler()` it is 0 unless given, so the
   * run still replays exactly.
   * @default 0
   */
  seed?: number;
  /**
   * Steps after which a body that has not finished fails the run (a
   * livelock, or a ticker loop that never ends): each step resumes one
   * operation or fires one timer.
   * @default 100000
   */
  maxSteps?: number;
}

const RESOLVED: Promise<void> = Promise.resolve();

/** Lets the microtask queue drain: one macrotask. */
const macrotask: () => Promise<void> = (() => {
  const g = globalThis as { setImmediate?: (callback: () => void) => unknown };
  const setImmediate = g.setImmediate;
  if (typeof setImmediate === 'function') return () => new Promise<void>((resolve) => void setImmediate(resolve));
  return () => new Promise<void>((resolve) => void setTimeout(resolve, 0));
})();

/** The hooks of one test run. */
class TestRuntime implements RuntimeHooks {
  readonly pacing = false;
  readonly parked: ParkedList = new ParkedList();
  readonly clock: VirtualClock = new VirtualClock(Date.now());
  /** Set when the run ends: operations woken later resume directly, the scheduler being done. */
  over = false;
  readonly random: () => number;

  constructor(
    private readonly s: SchedulerLike,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  park<R>(promise: Promise<R>, reason: ParkReason, on: unknown): Promise<R> {
    const op = this.parked.add(reason, on, captureStack());
    let resolve!: (value: R) => void;
    let reject!: (reason: unknown) => void;
    const resumed = new Promise<R>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const wake = (settle: () => void): void => {
      this.parked.remove(op);
      if (this.over) return settle();
      // A resolved promise to schedule, and the outcome applied after: a
      // rejected one would sit unhandled until fast-check picks it.
      void this.s.schedule(RESOLVED, `goroutine ${op.id} [${goReason(reason)}] ${describeTarget(op)}: resumes`).then(settle);
    };
    promise.then(
      (value) => wake(() => resolve(value)),
      (error: unknown) => wake(() => reject(error)),
    );
    return resumed;
  }

  made(channel: object): void {
    const site = firstPlace(captureStack());
    if (site !== undefined) recordMadeAt(channel, site);
  }

  now(): number {
    return this.clock.now;
  }

  wallNow(): number {
    return this.clock.wallNow();
  }

  setTimer(callback: () => void, ms: number): unknown {
    return this.clock.set(callback, ms);
  }

  clearTimer(handle: unknown): boolean {
    return this.clock.clear(handle);
  }
}

/** The run in progress, if any: dump() reads it. */
let active: TestRuntime | null = null;

/**
 * run calls `body` as Go's `main`, with every gochan wait in it under
 * fast-check's scheduler `s`: whenever several parked operations could
 * resume, fast-check picks the order; select's random choices come from
 * `seed`; time is virtual and jumps ahead when nothing else can run; the
 * event-loop pacing is off. It resolves with the body's result once the
 * body has finished (operations still parked then are abandoned, as
 * goroutines are when Go's main returns), and rejects with the body's error.
 *
 * When nothing can run and the body has not finished, it rejects with a
 * {@link DeadlockError}: Go's "all goroutines are asleep - deadlock!", and
 * each parked operation, what it waits on and where it parked.
 *
 * Inside the body, do not drive the scheduler yourself (`s.waitAll()`):
 * run does. Your own `s.schedule(...)` calls mix with gochan's. Real I/O
 * and real timers are outside the run: a body that waits on them may be
 * reported as a deadlock: only one real timer turn is allowed for them.
 *
 * @example
 * ```ts
 * await fc.assert(
 *   fc.asyncProperty(fc.scheduler(), async (s) => {
 *     await run(s, async () => {
 *       const ch = new Channel<number>();
 *       void ch.send(1);
 *       expect(await ch.recv()).toEqual([1, true]);
 *     });
 *   }),
 * );
 * ```
 *
 * @throws Error if another run is in progress (the runtime hooks are one slot).
 */
export async function run<T>(s: SchedulerLike, body: () => T | PromiseLike<T>, options: RunOptions = {}): Promise<Awaited<T>> {
  if (s === null || typeof s !== 'object' || typeof s.schedule !== 'function' || typeof s.waitOne !== 'function') {
    throw new TypeError(`run: expected \`s\` to be a fast-check scheduler (fc.scheduler()), got ${s === null ? 'null' : typeof s}`);
  }
  if (typeof body !== 'function') throw new TypeError(`run: expected \`body\` to be a function, got ${typeof body}`);
  const { seed = 0, maxSteps = 100_000 } = options;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`run: expected \`seed\` to be a safe integer, got ${String(seed)}`);
  if (!Number.isSafeInteger(maxSteps) || maxSteps < 1) throw new RangeError(`run: expected \`maxSteps\` to be a positive integer, got ${String(maxSteps)}`);
  if (active !== null) throw new Error('run: another run is in progress; runs cannot nest or overlap (the runtime hooks are a single slot)');

  const runtime = new TestRuntime(s, seed);
  const previous = currentHooks();
  installHooks(runtime);
  active = runtime;
  let finished = false;
  let failed = false;
  let result: Awaited<T> | undefined;
  let error: unknown;
  void (async () => body())().then(
    (value) => {
      finished = true;
      result = value as Awaited<T>;
    },
    (reason: unknown) => {
      finished = failed = true;
      error = reason;
    },
  );
  /** Set when the loop found nothing to do once and waited a real timer turn. */
  let idleConfirmed = false;
  try {
    for (let step = 0; ; step++) {
      await macrotask();
      if (finished) break;
      if (step >= maxSteps) {
        throw new Error(`run: the body has not finished after ${maxSteps} steps (a livelock, or a ticker loop that never ends?); parked now:\n\n${formatParked(runtime.parked.toArray())}`);
      }
      if (s.count() > 0) await s.waitOne();
      else if (runtime.clock.fireNext()) continue;
      else if (!idleConfirmed) {
        // Nothing can run, as far as gochan knows: give a real setTimeout(0)
        // or setImmediate of the body's own one turn to show up, then look again.
        idleConfirmed = true;
        await new Promise<void>((resolve) => setTimeout(resolve, 0));
        continue;
      } else throw new DeadlockError(formatDeadlock(runtime.parked.toArray()), runtime.parked.size);
      idleConfirmed = false;
    }
  } finally {
    runtime.over = true;
    active = null;
    installHooks(previous);
  }
  if (failed) throw error;
  return result as Awaited<T>;
}

/** The parked operations of the run in progress, formatted, or undefined when no run is active. */
export function dumpActiveRun(): string | undefined {
  return active === null ? undefined : formatParked(active.parked.toArray());
}
