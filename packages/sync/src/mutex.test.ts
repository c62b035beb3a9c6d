import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Mutex, RWMutex } from './index.js';
import { settle, settled } from '../../../tests/support/settled.js';

// Go's sync/mutex_test.go, translated.
describe('Mutex', () => {
  test('TestMutex: tasks that lock across awaits never overlap', async () => {
    const mu = new Mutex();
    let inside = 0;
    let total = 0;
    const task = async () => {
      for (let i = 0; i < 100; i++) {
        await mu.lock();
        inside++;
        expect(inside).toBe(1);
        await Promise.resolve();
        total++;
        inside--;
        mu.unlock();
      }
    };
    await Promise.all(Array.from({ length: 10 }, task));
    expect(total).toBe(1000);
  });

  test('TestMutexMisuse: unlock of an unlocked mutex throws Go\'s text', async () => {
    const mu = new Mutex();
    expect(() => mu.unlock()).toThrow(new Error('sync: unlock of unlocked mutex'));
    await mu.lock();
    mu.unlock();
    expect(() => mu.unlock()).toThrow('sync: unlock of unlocked mutex');
  });

  test('TestMutexFairness: unlock hands the lock to the oldest waiter; tryLock cannot barge', async () => {
    const mu = new Mutex();
    await mu.lock();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((id) => mu.lock().then(() => order.push(id)));
    mu.unlock();
    expect(mu.tryLock(), 'the lock went to waiter 1, not to a newcomer').toBe(false);
    for (let i = 0; i < 3; i++) {
      await settle();
      mu.unlock();
    }
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    expect(mu.tryLock()).toBe(true);
  });

  test('TryLock: succeeds only when free', () => {
    const mu = new Mutex();
    expect(mu.tryLock()).toBe(true);
    expect(mu.tryLock()).toBe(false);
    mu.unlock();
    expect(mu.tryLock()).toBe(true);
  });

  test('lock(signal): an abort withdraws the wait; an aborted signal rejects even when free', async () => {
    const mu = new Mutex();
    await expect(mu.lock(AbortSignal.abort('early'))).rejects.toBe('early');
    await mu.lock();
    const controller = new AbortController();
    const aborted = mu.lock(controller.signal);
    const patient = mu.lock();
    controller.abort('gave up');
    await expect(aborted).rejects.toBe('gave up');
    mu.unlock();
    expect(await settled(patient)).toBe(true);
    mu.unlock();
    expect(mu.tryLock()).toBe(true);
  });

  test('using: the Disposable that lock resolves to unlocks at the end of the block', async () => {
    const mu = new Mutex();
    {
      using _ = await mu.lock();
      expect(mu.tryLock()).toBe(false);
    }
    expect(mu.tryLock()).toBe(true);
    // A waiter granted the lock later gets the same kind of handle.
    const waiting = mu.lock();
    mu.unlock();
    {
      using _ = await waiting;
      expect(mu.tryLock()).toBe(false);
    }
    expect(mu.tryLock()).toBe(true);
  });

  test('property: never two holders, and waiters get the lock in the order they asked', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ hold: fc.nat(3), abort: fc.boolean(), tryFirst: fc.boolean() }), { maxLength: 30 }), async (tasks) => {
        const mu = new Mutex();
        let holders = 0;
        const order: number[] = [];
        await Promise.all(
          tasks.map(async ({ hold, abort, tryFirst }, index) => {
            if (tryFirst && mu.tryLock()) {
              order.push(index);
            } else {
              const controller = new AbortController();
              const locking = mu.lock(controller.signal);
              if (abort) controller.abort('abort');
              try {
                await locking;
              } catch {
                return;
              }
              order.push(index);
            }
            holders++;
            expect(holders).toBe(1);
            for (let i = 0; i < hold; i++) await Promise.resolve();
            holders--;
            mu.unlock();
          }),
        );
        expect(order).toEqual([...order].sort((a, b) => a - b));
        expect(mu.tryLock()).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

// Go's sync/rwmutex_test.go, translated.
describe('RWMutex', () => {
  test('TestParallelReaders: readers hold the lock together', async () => {
    const rw = new RWMutex();
    await Promise.all([rw.rLock(), rw.rLock(), rw.rLock()]);
    expect(rw.tryRLock()).toBe(true);
    expect(rw.tryLock()).toBe(false);
    for (let i = 0; i < 4; i++) rw.rUnlock();
    expect(rw.tryLock()).toBe(true);
    expect(rw.tryRLock()).toBe(false);
    rw.unlock();
  });

  test('TestRWMutex: a writer excludes readers and writers; readers never see a half-done write', async () => {
    const rw = new RWMutex();
    let activity = 0; // +1 per reader, +10000 per writer, as in Go's test
    const reader = async () => {
      for (let i = 0; i < 50; i++) {
        await rw.rLock();
        activity++;
        expect(activity % 10000).toBeGreaterThan(0);
        expect(activity).toBeLessThan(10000);
        await Promise.resolve();
        activity--;
        rw.rUnlock();
      }
    };
    const writer = async () => {
      for (let i = 0; i < 50; i++) {
        await rw.lock();
        activity += 10000;
        expect(activity).toBe(10000);
        await Promise.resolve();
        activity -= 10000;
        rw.unlock();
      }
    };
    await Promise.all([reader(), writer(), reader(), writer(), reader()]);
    expect(activity).toBe(0);
  });

  test('a waiting writer holds back new readers, as in Go; its unlock lets them all in', async () => {
    const rw = new RWMutex();
    await rw.rLock();
    let wrote = false;
    const writing = rw.lock().then(() => (wrote = true));
    expect(rw.tryRLock(), 'TryRLock fails while a writer waits').toBe(false);
    const late = [rw.rLock(), rw.rLock()];
    expect(await settled(Promise.race(late))).toBe(false);
    rw.rUnlock();
    await writing;
    expect(wrote).toBe(true);
    expect(await settled(Promise.race(late))).toBe(false);
    rw.unlock();
    expect(await settled(Promise.all(late))).toBe(true);
    rw.rUnlock();
    rw.rUnlock();
  });

  test('a cancelled waiting writer lets the readers it held back through', async () => {
    const rw = new RWMutex();
    await rw.rLock();
    const controller = new AbortController();
    const writing = rw.lock(controller.signal);
    const reading = rw.rLock();
    expect(await settled(reading)).toBe(false);
    controller.abort('no');
    await expect(writing).rejects.toBe('no');
    expect(await settled(reading)).toBe(true);
  });

  test('misuse throws Go\'s text', async () => {
    const rw = new RWMutex();
    expect(() => rw.unlock()).toThrow(new Error('sync: Unlock of unlocked RWMutex'));
    expect(() => rw.rUnlock()).toThrow(new Error('sync: RUnlock of unlocked RWMutex'));
    await rw.rLock();
    expect(() => rw.unlock()).toThrow('sync: Unlock of unlocked RWMutex');
    rw.rUnlock();
    await rw.lock();
    expect(() => rw.rUnlock()).toThrow('sync: RUnlock of unlocked RWMutex');
    rw.unlock();
  });

  test('using releases read and write locks; an aborted signal rejects even when free', async () => {
    const rw = new RWMutex();
    {
      using _ = await rw.lock();
      expect(rw.tryRLock()).toBe(false);
    }
    {
      using _ = await rw.rLock();
      expect(rw.tryLock()).toBe(false);
    }
    expect(rw.tryLock()).toBe(true);
    rw.unlock();
    await expect(rw.rLock(AbortSignal.abort('x'))).rejects.toBe('x');
    await expect(rw.lock(AbortSignal.abort('y'))).rejects.toBe('y');
  });
});
