import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Weighted } from './index.js';
import { settled } from '../../../tests/support/settled.js';

// golang.org/x/sync/semaphore's semaphore_test.go, translated.
describe('Weighted', () => {
  test('TestWeighted: many workers of random weight never hold more than the size', async () => {
    const size = 10;
    const sem = new Weighted(size);
    let held = 0;
    let peak = 0;
    const worker = async (id: number) => {
      for (let i = 0; i < 200; i++) {
        const n = 1 + ((id * 7 + i) % size);
        await sem.acquire(n);
        held += n;
        peak = Math.max(peak, held);
        expect(held).toBeLessThanOrEqual(size);
        if (i % 3 === 0) await Promise.resolve();
        held -= n;
        sem.release(n);
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, id) => worker(id)));
    expect(peak).toBe(size);
    expect(sem.tryAcquire(size)).toBe(true);
  });

  test('TestWeightedPanic: releasing more than held throws Go\'s text and changes nothing', () => {
    const sem = new Weighted(2);
    expect(() => sem.release(1)).toThrow(new Error('semaphore: released more than held'));
    sem.tryAcquire(1);
    expect(() => sem.release(2)).toThrow('semaphore: released more than held');
    sem.release(1);
    expect(sem.tryAcquire(2)).toBe(true);
  });

  test('TestWeightedTryAcquire', async () => {
    const sem = new Weighted(2);
    const tries = [sem.tryAcquire(1), sem.tryAcquire(1)];
    sem.release(2);
    tries.push(sem.tryAcquire(1));
    await sem.acquire(1);
    tries.push(sem.tryAcquire(1));
    expect(tries).toEqual([true, true, true, false]);
  });

  test('TestWeightedAcquire: an aborted acquire fails with the reason and takes nothing', async () => {
    const sem = new Weighted(2);
    const controller = new AbortController();
    await sem.acquire(1);
    await sem.acquire(1);
    const waiting = sem.acquire(1, controller.signal);
    controller.abort(new Error('context canceled'));
    await expect(waiting).rejects.toThrow('context canceled');
    sem.release(2);
    expect(sem.tryAcquire(2)).toBe(true);
  });

  test('an already aborted signal rejects at once, even when the weight is free', async () => {
    const sem = new Weighted(1);
    await expect(sem.acquire(1, AbortSignal.abort('gone'))).rejects.toBe('gone');
    expect(sem.tryAcquire(1)).toBe(true);
  });

  test('TestWeightedDoesntBlockIfTooBig: a doomed acquire waits for its abort and holds back nobody', async () => {
    const sem = new Weighted(1);
    const controller = new AbortController();
    const doomed = sem.acquire(2, controller.signal);
    expect(await settled(sem.acquire(1))).toBe(true);
    sem.release(1);
    expect(await settled(doomed)).toBe(false);
    controller.abort('too big');
    await expect(doomed).rejects.toBe('too big');
  });

  test('TestLargeAcquireDoesntStarve: a large waiter is not overtaken by small ones', async () => {
    const sem = new Weighted(2);
    await sem.acquire(1);
    let large = false;
    const waiting = sem.acquire(2).then(() => (large = true));
    // Small acquires come and go; none may pass the large waiter.
    expect(sem.tryAcquire(1)).toBe(false);
    const small = sem.acquire(1);
    expect(await settled(small)).toBe(false);
    sem.release(1);
    await waiting;
    expect(large).toBe(true);
    expect(await settled(small)).toBe(false);
    sem.release(2);
    expect(await settled(small)).toBe(true);
  });

  test('TestAllocCancelDoesntStarve: a cancelled large waiter lets those behind it through', async () => {
    const sem = new Weighted(10);
    await sem.acquire(1);
    const controller = new AbortController();
    const big = sem.acquire(10, controller.signal);
    const small = sem.acquire(1);
    expect(await settled(small)).toBe(false);
    controller.abort('cancelled');
    await expect(big).rejects.toBe('cancelled');
    expect(await settled(small)).toBe(true);
  });

  test('checks its arguments', () => {
    expect(() => new Weighted(-1)).toThrow(new RangeError('Expected `size` to be a non-negative safe integer, got -1'));
    expect(() => new Weighted(1.5)).toThrow(RangeError);
    const sem = new Weighted(1);
    expect(() => sem.tryAcquire('1' as never)).toThrow('Expected `n` to be a non-negative safe integer, got "1"');
    expect(() => sem.acquire(-1)).toThrow(RangeError);
    expect(sem.tryAcquire(0)).toBe(true);
  });

  test('property: never more than the size held, and waiters served in arrival order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.record({ n: fc.integer({ min: 0, max: 8 }), hold: fc.integer({ min: 0, max: 3 }), abort: fc.boolean() }), { maxLength: 25 }),
        async (size, requests) => {
          const sem = new Weighted(size);
          let held = 0;
          const served: number[] = [];
          const tasks = requests.map(async ({ n, hold, abort }, index) => {
            const controller = new AbortController();
            const acquiring = sem.acquire(n, controller.signal);
            if (abort) controller.abort('abort');
            try {
              await acquiring;
            } catch {
              return;
            }
            served.push(index);
            held += n;
            expect(held).toBeLessThanOrEqual(size);
            for (let i = 0; i < hold; i++) await Promise.resolve();
            held -= n;
            sem.release(n);
          });
          // Doomed requests (n > size) that are not aborted would wait for ever: they are left out of the wait.
          await Promise.all(tasks.filter((_, i) => requests[i]!.n <= size || requests[i]!.abort));
          // Every request was made in one turn, so FIFO means: served in the
          // order asked (a doomed one, more than the size, never).
          expect(served).toEqual([...served].sort((a, b) => a - b));
          expect(served.every((i) => requests[i]!.n <= size)).toBe(true);
          expect(held).toBe(0);
          expect(sem.tryAcquire(size)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
