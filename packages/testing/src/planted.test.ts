// Bugs planted in small programs, each found by fast-check under the
// runtime, shrunk to a small case, and replayed from its seed and path to
// the same failure, word for word. Each test shows the failing schedule.
import { Channel, recv, select, send } from '@gochan/channel';
import { Mutex } from '@gochan/sync';
import { WaitGroup } from '@gochan/waitgroup';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DeadlockError } from './deadlock-error.js';
import { label } from './labels.js';
import { scheduler, type GoScheduler } from './scheduler.js';

/** An error's message without the stack lines of its report (they name the caller of fc.check). */
const withoutStacks = (error: unknown): string =>
  String((error as Error).message)
    .split('\n')
    .filter((line) => !/^\s+at /.test(line))
    .join('\n');

/** Finds a failure of `property`, then replays it from the seed and path, and returns both. */
async function findAndReplay<Ts extends [unknown, ...unknown[]]>(property: fc.IAsyncProperty<Ts>, seed: number) {
  const found = await fc.check(property, { seed, numRuns: 300 });
  expect(found.failed, 'fast-check found no failing run').toBe(true);
  const replayed = await fc.check(property, { seed: found.seed, path: found.counterexamplePath ?? '', endOnFailure: true });
  expect(replayed.failed).toBe(true);
  expect(replayed.counterexample?.slice(0, -1)).toEqual(found.counterexample?.slice(0, -1));
  expect(withoutStacks(replayed.errorInstance)).toBe(withoutStacks(found.errorInstance));
  return { found, replayed, schedule: String(found.counterexample?.at(-1)) };
}

describe('planted bugs, found, shrunk and replayed', () => {
  test('a missing close: "the last producer closes", decided before an await, so sometimes nobody does', async () => {
    const buggy = async (producers: number, perProducer: number) => {
      const values = label(new Channel<number>(), 'values');
      const log = label(new Channel<string>(), 'log');
      void (async () => {
        for await (const _ of log); // a logger, an unbuffered hand-off: a park between check and act
      })();
      let finished = 0;
      for (let p = 0; p < producers; p++) {
        void (async () => {
          for (let v = 0; v < perProducer; v++) await values.send(v);
          const last = finished === producers - 1; // BUG: checked here...
          await log.send(`producer ${p} done`);
          finished++; // ...counted here, after a park
          if (last) values.close();
        })();
      }
      let received = 0;
      for await (const _ of values) received++;
      return received;
    };
    const property = fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 3 }), scheduler(), async (producers, perProducer, s) => {
      expect(await s.run(() => buggy(producers, perProducer))).toBe(producers * perProducer);
    });
    const { found, schedule } = await findAndReplay(property, 12);
    expect(found.errorInstance).toBeInstanceOf(DeadlockError);
    expect(String(found.errorInstance)).toContain('range over chan "values"');
    // Shrunk: two producers (one cannot race itself), no values needed.
    expect(found.counterexample?.slice(0, 2)).toEqual([2, 0]);
    expect(schedule).toMatch(/chan send\] send on chan "log" \(unbuffered\): resumes/);
  });

  test('a select that can lose a value: taken from the input, then dropped when quit wins the second select', async () => {
    const buggy = async (stopAfter: number) => {
      const input = label(new Channel<number>(), 'input');
      const output = label(new Channel<number>(), 'output');
      const quit = label(new Channel<void>(), 'quit');
      const taken: number[] = [];
      const delivered: number[] = [];
      const wg = new WaitGroup();
      wg.go(async () => {
        for (let v = 0; ; v++) {
          const [i] = await select([send(input, v), recv(quit)]);
          if (i === 1) return;
        }
      });
      wg.go(async () => {
        for (;;) {
          const [i, v] = await select([recv(input), recv(quit)]);
          if (i === 1) return;
          taken.push(v as number);
          const [j] = await select([send(output, v as number), recv(quit)]);
          if (j === 1) return; // BUG: v is lost
        }
      });
      for (let k = 0; k < stopAfter; k++) delivered.push((await output.recv())[0] as number);
      quit.close();
      await wg.wait();
      return { taken, delivered };
    };
    const property = fc.asyncProperty(fc.integer({ min: 1, max: 5 }), scheduler(), async (stopAfter, s) => {
      const { taken, delivered } = await s.run(() => buggy(stopAfter));
      expect(taken, 'a value was taken and never delivered').toEqual(delivered);
    });
    const { found } = await findAndReplay(property, 7);
    expect(String(found.errorInstance)).toContain('a value was taken and never delivered');
  });

  test('a lock order inversion: a then b in one task, b then a in the other', async () => {
    const buggy = async (s: GoScheduler) => {
      const a = new Mutex();
      const b = new Mutex();
      const task = async (name: string, first: Mutex, second: Mutex) => {
        await s.scheduler.schedule(Promise.resolve(), `${name} starts`);
        await first.lock();
        await s.scheduler.schedule(Promise.resolve(), `${name} works holding its first lock`);
        await second.lock();
        second.unlock();
        first.unlock();
      };
      await Promise.all([task('t1', a, b), task('t2', b, a)]);
    };
    const property = fc.asyncProperty(scheduler(), (s) => s.run(() => buggy(s)));
    const { found, schedule } = await findAndReplay(property, 3);
    expect(found.errorInstance).toBeInstanceOf(DeadlockError);
    const report = String(found.errorInstance);
    expect(report.match(/\[semacquire\]/g)).toHaveLength(2);
    expect(report).toMatch(/at task .*planted\.test\.ts/);
    // The schedule: both took their first lock before either asked for its second.
    expect(schedule).toMatch(/t1 works holding its first lock[\s\S]*t2 works holding its first lock|t2 works holding its first lock[\s\S]*t1 works holding its first lock/);
  });

  test('an unbuffered send nobody receives: the worker stops at a negative job, main sends on', async () => {
    const buggy = async (jobs: number[]) => {
      const work = label(new Channel<number>(), 'work');
      let done = 0;
      void (async () => {
        for await (const job of work) {
          if (job < 0) return; // BUG: "invalid job, stop" leaves main's next send with no receiver
          done++;
        }
      })();
      for (const job of jobs) await work.send(job);
      work.close();
      return done;
    };
    const property = fc.asyncProperty(fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 8 }), scheduler(), async (jobs, s) => {
      await s.run(() => buggy(jobs));
    });
    const { found } = await findAndReplay(property, 5);
    expect(found.errorInstance).toBeInstanceOf(DeadlockError);
    expect(String(found.errorInstance)).toContain('goroutine');
    expect(String(found.errorInstance)).toContain('[chan send]:\n    send on chan "work" (unbuffered)');
    // Shrunk to the smallest program that shows it: a negative job, then any job.
    expect(found.counterexample?.[0]).toEqual([-1, 0]);
  });
});
