import { describe, expect, test } from 'vitest';
import { Mutex, Once, RWMutex } from './index.js';
import { STARVED, loopUntilDeadline } from '../../../tests/support/deadline.js';

// An operation that completes without waiting is paced as a channel
// operation is (@gochan/channel's pace.ts): a loop of them still lets a
// timer fire, as Go's scheduler preempts a goroutine that never blocks.
describe('a loop of locks that never wait sees a 100 ms deadline while it runs', () => {
  test('Mutex.lock uncontended', async () => {
    const mu = new Mutex();
    const { sawDeadline, iterations } = await loopUntilDeadline(async () => {
      await mu.lock();
      mu.unlock();
    });
    expect(sawDeadline).toBe(true);
    expect(iterations).toBeLessThan(STARVED);
  });

  test('Mutex.lock under using, the lock held across the gate', async () => {
    const mu = new Mutex();
    let inside = 0;
    const { sawDeadline } = await loopUntilDeadline(async () => {
      using _ = await mu.lock();
      inside++;
      expect(mu.tryLock()).toBe(false); // held, even when lock() resumed after the gate
      inside--;
    });
    expect(sawDeadline).toBe(true);
    expect(inside).toBe(0);
  });

  test('RWMutex.lock and rLock uncontended', async () => {
    const rw = new RWMutex();
    const { sawDeadline } = await loopUntilDeadline(async () => {
      await rw.lock();
      rw.unlock();
      await rw.rLock();
      rw.rUnlock();
    });
    expect(sawDeadline).toBe(true);
  });

  test('Once.do after the first call', async () => {
    const once = new Once();
    let calls = 0;
    const { sawDeadline } = await loopUntilDeadline(() => once.do(() => calls++));
    expect(sawDeadline).toBe(true);
    expect(calls).toBe(1);
  });
});
