import { Channel, after, recv, select, trySelect } from '@gochan/channel';
import { describe, expect, test } from 'vitest';
import { Cond, Mutex, RWMutex } from './index.js';
import { settled } from '../../../tests/support/settled.js';

// Go's sync/cond_test.go, translated: goroutines are async functions, Go's
// channels ours, `select { ... default: }` trySelect.
describe('Cond (Go\'s sync/cond_test.go)', () => {
  test('TestCondSignal: each signal wakes exactly one waiter', async () => {
    const m = new Mutex();
    const c = new Cond(m);
    let n = 2;
    const running = new Channel<boolean>(n);
    const awake = new Channel<boolean>(n);
    for (let i = 0; i < n; i++) {
      void (async () => {
        await m.lock();
        await running.send(true);
        await c.wait();
        await awake.send(true);
        m.unlock();
      })();
    }
    for (let i = 0; i < n; i++) await running.recv(); // wait for everyone to run
    while (n > 0) {
      expect(trySelect([recv(awake)])).toBeUndefined(); // "goroutine not asleep"
      await m.lock();
      c.signal();
      m.unlock();
      await awake.recv(); // deadlocks if no waiter wakes up
      expect(trySelect([recv(awake)])).toBeUndefined(); // "too many goroutines awake"
      n--;
    }
    c.signal();
  });

  test('TestCondSignalGenerations: signals wake waiters in the order they began to wait', async () => {
    const m = new Mutex();
    const c = new Cond(m);
    const n = 100;
    const running = new Channel<boolean>(n);
    const awake = new Channel<number>(n);
    for (let i = 0; i < n; i++) {
      void (async (i: number) => {
        await m.lock();
        await running.send(true);
        await c.wait();
        await awake.send(i);
        m.unlock();
      })(i);
      if (i > 0) {
        const [a] = await awake.recv();
        expect(a, 'wrong goroutine woke up').toBe(i - 1);
      }
      await running.recv();
      await m.lock();
      c.signal();
      m.unlock();
    }
  });

  test('TestCondBroadcast: a broadcast wakes every waiter once', async () => {
    const m = new Mutex();
    const c = new Cond(m);
    const n = 200;
    const running = new Channel<number>(n);
    const awake = new Channel<number>(n);
    let exit = false;
    for (let i = 0; i < n; i++) {
      void (async (g: number) => {
        await m.lock();
        while (!exit) {
          await running.send(g);
          await c.wait();
          await awake.send(g);
        }
        m.unlock();
      })(i);
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) await running.recv(); // deadlocks unless n are running
      if (i === n - 1) {
        await m.lock();
        exit = true;
        m.unlock();
      }
      expect(trySelect([recv(awake)])).toBeUndefined(); // "goroutine not asleep"
      await m.lock();
      c.broadcast();
      m.unlock();
      const seen = new Array<boolean>(n).fill(false);
      for (let j = 0; j < n; j++) {
        const [g] = await awake.recv();
        expect(seen[g as number], 'goroutine woke up twice').toBe(false);
        seen[g as number] = true;
      }
    }
    expect(trySelect([recv(running)])).toBeUndefined(); // "goroutine did not exit"
    c.broadcast();
  });

  test('TestRace: a signal and a wait under the lock see each other\'s writes', async () => {
    let x = 0;
    const c = new Cond(new Mutex());
    const done = new Channel<boolean>();
    const errors: string[] = [];
    const gosched = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0)); // runtime.Gosched
    void (async () => {
      await c.l.lock();
      x = 1;
      await c.wait();
      if (x !== 2) errors.push('want 2');
      x = 3;
      c.signal();
      c.l.unlock();
      await done.send(true);
    })();
    void (async () => {
      await c.l.lock();
      for (;;) {
        if (x === 1) {
          x = 2;
          c.signal();
          break;
        }
        c.l.unlock();
        await gosched();
        await c.l.lock();
      }
      c.l.unlock();
      await done.send(true);
    })();
    void (async () => {
      await c.l.lock();
      for (;;) {
        if (x === 2) {
          await c.wait();
          if ((x as number) !== 3) errors.push('want 3'); // changed by another task during the wait
          break;
        }
        if (x === 3) break;
        c.l.unlock();
        await gosched();
        await c.l.lock();
      }
      c.l.unlock();
      await done.send(true);
    })();
    for (let i = 0; i < 3; i++) await done.recv();
    expect(errors).toEqual([]);
  });

  test('TestCondSignalStealing: a broadcast wakes the waiter already waiting, whatever a new waiter does', async () => {
    for (let iters = 0; iters < 1000; iters++) {
      const m = new Mutex();
      const cond = new Cond(m);
      const ch = new Channel<void>();
      void (async () => {
        await m.lock();
        await ch.send();
        await cond.wait();
        m.unlock();
        await ch.send();
      })();
      await ch.recv();
      await m.lock();
      m.unlock();
      // The waiter is inside wait(): we synchronized with it, then took and
      // released the lock it held. Now a broadcast and a new waiter race.
      let finished = false;
      void Promise.resolve().then(() => cond.broadcast());
      void (async () => {
        await m.lock();
        while (!finished) await cond.wait();
        m.unlock();
      })();
      const [i] = await select([recv(ch), recv(after(2_000))]);
      expect(i, "first waiter didn't get broadcast").toBe(0);
      await m.lock();
      finished = true;
      m.unlock();
      cond.broadcast();
    }
  });

  test('wait unlocks while it waits and holds the lock again when it resolves', async () => {
    const m = new Mutex();
    const c = new Cond(m);
    await m.lock();
    const waiting = c.wait();
    expect(m.tryLock()).toBe(true); // unlocked while waiting
    c.signal();
    expect(await settled(waiting)).toBe(false); // woken, but the lock is held
    m.unlock();
    await waiting;
    expect(m.tryLock()).toBe(false); // held by the waiter again
    m.unlock();
  });

  test('wait without the lock rejects with the Locker\'s error and leaves nobody waiting', async () => {
    const c = new Cond(new Mutex());
    await expect(c.wait()).rejects.toThrow('sync: unlock of unlocked mutex');
    c.signal(); // nothing queued to wake
  });

  test('an aborted wait locks again, then rejects with the reason; a signal then wakes the next waiter', async () => {
    const m = new Mutex();
    const c = new Cond(m);
    const controller = new AbortController();
    await m.lock();
    const first = c.wait(controller.signal);
    await m.lock();
    const second = c.wait();
    controller.abort(new Error('gone'));
    await expect(first).rejects.toThrow('gone');
    expect(m.tryLock()).toBe(false); // the aborted waiter holds it again
    c.signal(); // wakes the second, not the withdrawn first
    m.unlock();
    await second;
    m.unlock();
  });

  test('a Cond over an RWMutex\'s read side (Go\'s rw.RLocker())', async () => {
    const rw = new RWMutex();
    const c = new Cond(rw.rLocker());
    await c.l.lock();
    const waiting = c.wait();
    expect(rw.tryLock()).toBe(true); // the read lock was released
    rw.unlock();
    c.broadcast();
    await waiting;
    expect(rw.tryLock()).toBe(false); // read-locked again
    c.l.unlock();
  });

  test('new Cond of something that is not a Locker throws TypeError', () => {
    expect(() => new Cond({} as never)).toThrow(TypeError);
  });
});
