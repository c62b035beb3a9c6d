// sync.Cond under a test run: a wait nobody signals is Go's
// "sync.Cond.Wait" deadlock; a signal under every schedule wakes the waiter.
import { Cond, Mutex } from '@gochan/sync';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DeadlockError } from './deadlock-error.js';
import { label } from './labels.js';
import { scheduler } from './scheduler.js';
import { oneScheduler, rejection } from './test-support.js';

const GO = 'fatal error: all goroutines are asleep - deadlock!\n\n';

describe('Cond under a test run', () => {
  test('a wait nobody signals: Go\'s "sync.Cond.Wait" deadlock', async () => {
    const error = await rejection(
      oneScheduler().run(async () => {
        const mu = new Mutex();
        const ready = label(new Cond(mu), 'ready');
        await mu.lock();
        await ready.wait();
      }),
    );
    expect(error).toBeInstanceOf(DeadlockError);
    expect(error.message.startsWith(`${GO}goroutine 1 [sync.Cond.Wait]:\n    wait on Cond "ready"\n`)).toBe(true);
  });

  test('property: a consumer waiting in a loop gets every item, whatever the schedule', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), scheduler(), async (items, s) => {
        const got = await s.run(async () => {
          const mu = new Mutex();
          const nonEmpty = new Cond(mu);
          const queue: number[] = [];
          void (async () => {
            for (let i = 0; i < items; i++) {
              await mu.lock();
              queue.push(i);
              nonEmpty.signal();
              mu.unlock();
            }
          })();
          const out: number[] = [];
          while (out.length < items) {
            await mu.lock();
            while (queue.length === 0) await nonEmpty.wait();
            out.push(...queue.splice(0));
            mu.unlock();
          }
          return out;
        });
        expect(got).toEqual(Array.from({ length: items }, (_, i) => i));
      }),
      { numRuns: 50 },
    );
  });
});
