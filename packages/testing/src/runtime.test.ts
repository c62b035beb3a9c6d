// run() itself: fast-check really decides the order of resumptions; the
// hooks are in place only during a run; bad input is refused by name.
import { Channel, currentHooks, Ticker } from '@gochan/channel';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { dump } from './dump.js';
import { label } from './labels.js';
import { run } from './runtime.js';
import { scheduler } from './scheduler.js';
import { oneScheduler, rejection } from './test-support.js';

describe('run', () => {
  test('fast-check decides the order in which woken operations resume: several orders across runs, one per schedule', async () => {
    const orders = new Set<string>();
    const resumeOrder = (s: { run: <T>(body: () => Promise<T>) => Promise<T> }) =>
      s.run(async () => {
        const ch = new Channel<number>();
        const order: number[] = [];
        const receivers = [1, 2, 3].map((r) => ch.recv().then(() => void order.push(r)));
        ch.close(); // wakes all three at once; who resumes first is the scheduler's pick
        await Promise.all(receivers);
        return order.join('');
      });
    await fc.assert(
      fc.asyncProperty(scheduler(), async (s) => {
        const order = await resumeOrder(s);
        orders.add(order);
        expect(await resumeOrder(fc.cloneIfNeeded(s))).toBe(order); // replays
      }),
      { numRuns: 60 },
    );
    expect(orders.size).toBeGreaterThan(1);
  });

  test('a failing schedule shrinks to its one departure from oldest-first, and prints it', async () => {
    // Two receivers woken together by close: oldest-first resumes r1 first;
    // only a schedule that picks the younger one breaks "r1 before r2".
    const found = await fc.check(
      fc.asyncProperty(scheduler(), async (s) => {
        const order = await s.run(async () => {
          const ch = new Channel<number>();
          const order: string[] = [];
          const receivers = ['r1', 'r2'].map((name) => ch.recv().then(() => void order.push(name)));
          ch.close();
          await Promise.all(receivers);
          return order.join(' ');
        });
        expect(order).toBe('r1 r2');
      }),
      { seed: 7 },
    );
    expect(found.failed).toBe(true);
    expect(String(found.counterexample?.[0])).toMatch(/^GoScheduler\(seed 0, choices \[1\]\n\* 1\/2 {2}goroutine 2 \[chan receive\] receive from chan made at .*: resumes\n {2}0\/1 {2}goroutine 1 /);
  });

  test('works with a plain fc.scheduler(), and leaves no hooks behind, whether the body succeeds or fails', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (s) => {
        expect(await run(s, async () => 42)).toBe(42);
        expect(currentHooks()).toBeNull();
        await expect(run(s, () => new Channel<number>().recv())).rejects.toThrow('all goroutines are asleep');
        expect(currentHooks()).toBeNull();
      }),
      { numRuns: 5 },
    );
  });

  test('pacing is off inside: a long loop of operations that complete at once never waits for the event loop', async () => {
    const count = await oneScheduler().run(async () => {
      const ch = new Channel<number>(1);
      let macrotasks = 0;
      const timer = setInterval(() => macrotasks++, 0);
      for (let i = 0; i < 20_000; i++) {
        await ch.send(i);
        await ch.recv();
      }
      clearInterval(timer);
      return macrotasks;
    });
    expect(count).toBe(0);
  });

  test('a body that never ends (a ticker loop) fails after maxSteps, listing what is parked', async () => {
    const error = await rejection(
      oneScheduler().run(
        async () => {
          const ticker = new Ticker(10);
          for await (const _ of ticker.c);
        },
        { maxSteps: 50 },
      ),
    );
    expect(error.message).toMatch(/^run: the body has not finished after 50 steps/);
    expect(error.message).toContain('goroutine');
  });

  test("a body's own setTimeout(0) is waited for before a deadlock is called; a longer real wait is not", async () => {
    expect(await oneScheduler().run(() => new Promise((resolve) => setTimeout(() => resolve('woke'), 0)))).toBe('woke');
    await expect(oneScheduler().run(() => new Promise((resolve) => setTimeout(resolve, 200)))).rejects.toThrow(
      /all goroutines are asleep - deadlock!\n\nno gochan operation is parked: the code waits on a promise gochan does not know/,
    );
  });

  test('runs cannot overlap', async () => {
    const s = oneScheduler();
    const first = s.run(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
    await expect(oneScheduler(2).run(async () => 1)).rejects.toThrow('run: another run is in progress');
    await first;
  });

  test.each([
    ['a scheduler that is not one', () => run(null as never, async () => 1), /expected `s` to be a fast-check scheduler/],
    ['a body that is not a function', () => run(oneScheduler().scheduler, 1 as never), /expected `body` to be a function, got number/],
    ['a seed that is not an integer', () => run(oneScheduler().scheduler, async () => 1, { seed: 1.5 }), /expected `seed` to be a safe integer, got 1.5/],
    ['maxSteps of 0', () => run(oneScheduler().scheduler, async () => 1, { maxSteps: 0 }), /expected `maxSteps` to be a positive integer, got 0/],
  ])('refuses %s', async (_, call, message) => {
    await expect(call()).rejects.toThrow(message);
  });
});

describe('dump', () => {
  test('inside a run it lists the parked operations, Go-style; outside it says nothing is recorded', async () => {
    const text = await oneScheduler().run(async () => {
      const ch = label(new Channel<number>(), 'idle');
      void ch.recv();
      await Promise.resolve();
      return dump();
    });
    expect(text).toMatch(/^goroutine 1 \[chan receive\]:\n {4}receive from chan "idle" \(unbuffered\)\n {4}at /);
    expect(dump()).toMatch(/no parked operations are recorded/);
  });
});

describe('label', () => {
  test('refuses what it cannot name', () => {
    expect(() => label(null as never, 'x')).toThrow('label: expected a channel or another object to name, got null');
    expect(() => label(new Channel(), '')).toThrow('label: expected `name` to be a non-empty string, got ""');
  });
});
