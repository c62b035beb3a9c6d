import { Channel } from '@gochan/channel';
import { afterEach, describe, expect, test } from 'vitest';
import { GOMAXPROCS, ThreadExitError, close, go, spawn } from './index.js';
import { threadIds } from './go.js';
import { fixture } from './test-fixtures.js';

afterEach(async () => {
  await close();
});

describe('spawn', () => {
  test('says which live thread the goroutine runs on, and resolves with its result as go() does', async () => {
    const g = spawn<number>(fixture('add'), 20, 22);
    expect(g.thread).toBeTypeOf('number');
    expect(threadIds()).toContain(g.thread);
    expect(await g.result).toBe(42);
  });

  test('terminate ends a thread that computes for ever: its goroutine fails with the reason, and the next goroutine gets a new thread', async () => {
    const started = new Channel<string>();
    const g = spawn(fixture('spin'), started);
    await started.recv();
    const reason = new Error('it ignored its deadline');
    expect(await g.terminate(reason)).toBe(true);
    const error = await g.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThreadExitError);
    expect((error as ThreadExitError).thread).toBe(g.thread);
    expect((error as Error).message).toBe(`thread ${g.thread} was terminated: it ignored its deadline`);
    expect((error as Error).cause).toBe(reason);
    expect(threadIds()).not.toContain(g.thread);
    const next = spawn<number>(fixture('add'), 1, 2);
    expect(next.thread).not.toBe(g.thread);
    expect(await next.result).toBe(3);
  });

  test('every goroutine that shared the thread fails with the same ThreadExitError; those on other threads go on', async () => {
    const previous = GOMAXPROCS(2);
    try {
      const started = new Channel<string>();
      const gate = new Channel<void>();
      const input = new Channel<number>();
      const spinning = spawn(fixture('spin'), started);
      await started.recv();
      // Placed by the least busy rule over two threads: some share the spinner's thread, some do not.
      const others = Array.from({ length: 4 }, () => spawn<{ value: number }>(fixture('receive-after'), gate, input));
      const sharing = others.filter((g) => g.thread === spinning.thread);
      const apart = others.filter((g) => g.thread !== spinning.thread);
      expect(sharing.length).toBeGreaterThan(0);
      expect(apart.length).toBeGreaterThan(0);
      const failures = sharing.map((g) => g.result.catch((e: unknown) => e));
      void spinning.result.catch(() => {});
      await spinning.terminate('enough');
      for (const failure of failures) {
        const error = await failure;
        expect(error).toBeInstanceOf(ThreadExitError);
        expect((error as Error).message).toBe(`thread ${spinning.thread} was terminated: enough`);
      }
      for (const [i, g] of apart.entries()) {
        await gate.send();
        await input.send(i);
        expect((await g.result).value).toBe(i);
      }
    } finally {
      GOMAXPROCS(previous);
    }
  });

  test('a thread being terminated takes no new goroutine', async () => {
    const previous = GOMAXPROCS(1);
    try {
      const started = new Channel<string>();
      const g = spawn(fixture('spin'), started);
      await started.recv();
      const failed = g.result.catch((e: unknown) => e);
      const ending = g.terminate();
      const next = spawn<number>(fixture('add'), 2, 2);
      expect(next.thread).not.toBe(g.thread);
      expect(await ending).toBe(true);
      expect(await next.result).toBe(4);
      expect(((await failed) as Error).message).toBe(`thread ${g.thread} was terminated: no reason given`);
    } finally {
      GOMAXPROCS(previous);
    }
  });

  test('terminate of a thread already gone, or of a goroutine never placed, resolves false; a bad argument fails that goroutine alone', async () => {
    const started = new Channel<string>();
    const g = spawn(fixture('spin'), started);
    const failed = g.result.catch(() => {});
    await started.recv();
    expect(await g.terminate()).toBe(true);
    await failed;
    expect(await g.terminate()).toBe(false);
    const bad = spawn('./relative.js');
    expect(bad.thread).toBeUndefined();
    await expect(bad.result).rejects.toThrow(TypeError);
    expect(await bad.terminate()).toBe(false);
    // An argument structured clone refuses is found when the message leaves: placed, then failed alone.
    const unclonable = spawn(fixture('add'), () => 1);
    await expect(unclonable.result).rejects.toThrow(/cannot cross to another thread/);
    expect(await spawn<number>(fixture('add'), 1, 1).result).toBe(2);
  });

  test('called from a goroutine, it is refused with an Error that says to call it from the main thread', async () => {
    expect(await go(fixture('spawn-inside'), fixture('add').href)).toEqual({
      thread: null,
      message: 'spawn: call it from the main thread (goroutines use go())',
      terminated: false,
    });
  });
});
