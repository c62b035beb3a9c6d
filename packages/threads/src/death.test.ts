import { Channel } from '@gochan/channel';
import { afterEach, describe, expect, test } from 'vitest';
import { GOMAXPROCS, ThreadExitError, close, go, setResourceLimits } from './index.js';
import { threadIds } from './go.js';
import { fixture } from './test-fixtures.js';

// A thread can die alone (Go's cannot): what was on it fails with a reason, and no peer waits for ever.

afterEach(async () => {
  setResourceLimits(undefined);
  await close();
});

describe('a thread that dies', () => {
  test('process.exit inside a goroutine fails it with a ThreadExitError naming the code, and the thread is replaced', async () => {
    const before = (await go(fixture('add'), 1, 1), threadIds());
    const error = await go(fixture('exit'), 7).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThreadExitError);
    expect((error as ThreadExitError).exitCode).toBe(7);
    expect((error as Error).message).toMatch(/exited with code 7/);
    expect(await go(fixture('add'), 2, 2)).toBe(4);
    expect(threadIds()).not.toEqual(before);
  });

  test('an uncaught error kills the thread, and its goroutines fail with an error that names it', async () => {
    const error = await go(fixture('uncaught'), 'boom in a timer').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThreadExitError);
    expect((error as Error).message).toMatch(/uncaught Error: boom in a timer/);
    expect(((error as Error).cause as Error).message).toBe('boom in a timer');
  });

  test('running out of memory under resourceLimits fails the job with an error that says so', async () => {
    setResourceLimits({ maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 });
    const error = await go(fixture('hog-memory')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThreadExitError);
    expect((error as Error).message).toMatch(/ran out of memory/);
    expect(await go(fixture('add'), 3, 3)).toBe(6);
  });

  test('a receive it had parked on a channel here is withdrawn: the next value goes to a live receiver', async () => {
    const ch = new Channel<number>();
    const started = new Channel<string>();
    const dying = go(fixture('exit'), 1, started, ch).catch((e: unknown) => e);
    await started.recv();
    expect(await dying).toBeInstanceOf(ThreadExitError);
    const gate = new Channel<void>();
    const receiving = go<{ value: number }>(fixture('receive-after'), gate, ch);
    await gate.send();
    await ch.send(5); // would pair with the dead thread's receive if it were still parked
    expect((await receiving).value).toBe(5);
  });

  test('a peer waiting on a channel whose home died is failed, and new operations on it fail at once', async () => {
    const previous = GOMAXPROCS(1); // the channel's goroutine and the one that exits share the thread
    try {
      const out = new Channel<Channel<number>>();
      const release = new Channel<void>();
      const holding = go(fixture('hold-channel'), out, release).catch((e: unknown) => e);
      const [theirs] = await out.recv();
      const ch = theirs as Channel<number>;
      const waiting = ch.recv().catch((e: unknown) => e);
      await go(fixture('exit'), 3).catch(() => {});
      expect(await waiting).toBeInstanceOf(ThreadExitError);
      expect(await holding).toBeInstanceOf(ThreadExitError);
      await expect(ch.send(1)).rejects.toBeInstanceOf(ThreadExitError);
    } finally {
      GOMAXPROCS(previous);
    }
  });
});
