// @gochan/channel in a real browser: the built package, served as plain ESM.
// Browsers have no setImmediate, so the channel's yield to the event loop
// takes its browser path here; the starvation test is the one that matters.
import { describe, expect, test } from 'vitest';
import { Channel, ClosedChannelError, after, recv, select, send, trySelect } from '@gochan/channel';

test('runs in Chromium, not in Node', () => {
  expect(navigator.userAgent).toMatch(/Chrome\//);
  expect(typeof (globalThis as { setImmediate?: unknown }).setImmediate).toBe('undefined');
});

describe('Channel', () => {
  test('an unbuffered send resolves only once a receiver has taken the value', async () => {
    const ch = new Channel<number>();
    let sent = false;
    const sending = ch.send(1).then(() => (sent = true));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(sent).toBe(false);
    expect(await ch.recv()).toEqual([1, true]);
    await sending;
    expect(sent).toBe(true);
  });

  test('a closed channel yields its buffered values, then [undefined, false] forever', async () => {
    const ch = new Channel<string>(2);
    await ch.send('a');
    await ch.send('b');
    ch.close();
    expect(await ch.recv()).toEqual(['a', true]);
    expect(await ch.recv()).toEqual(['b', true]);
    expect(await ch.recv()).toEqual([undefined, false]);
    expect(await ch.recv()).toEqual([undefined, false]);
  });

  test('sending on or closing a closed channel fails with Go\'s text', async () => {
    const ch = new Channel<number>(1);
    ch.close();
    await expect(ch.send(1)).rejects.toThrow(new ClosedChannelError('send on closed channel'));
    expect(() => ch.close()).toThrow('close of closed channel');
    expect(() => ch.trySend(1)).toThrow(ClosedChannelError);
  });

  test('for await ranges over the values until the channel is closed', async () => {
    const ch = new Channel<number>();
    void (async () => {
      for (let i = 0; i < 5; i++) await ch.send(i);
      ch.close();
    })();
    const seen: number[] = [];
    for await (const value of ch) seen.push(value);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  test('an aborted recv rejects with the reason and takes no value', async () => {
    const ch = new Channel<number>(1);
    const controller = new AbortController();
    const waiting = ch.recv(controller.signal);
    const reason = new Error('gave up');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(ch.trySend(7)).toBe(true);
    expect(ch.tryRecv()).toEqual([7, true]);
  });

  test('a recv with AbortSignal.timeout rejects with a TimeoutError', async () => {
    const ch = new Channel<number>();
    await expect(ch.recv(AbortSignal.timeout(10))).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  test('a send/recv loop that never waits on anything else does not starve timers', async () => {
    const ch = new Channel<number>(1);
    let fired = false;
    setTimeout(() => (fired = true), 0);
    let rounds = 0;
    // Bounded so a starving channel fails the test instead of hanging it.
    while (!fired && rounds < 1_000_000) {
      await ch.send(rounds);
      await ch.recv();
      rounds++;
    }
    expect(fired).toBe(true);
  });
});

describe('select', () => {
  test('runs the case that is ready and narrows by index', async () => {
    const numbers = new Channel<number>(1);
    const words = new Channel<string>(1);
    await words.send('hi');
    const [index, value, ok] = await select([recv(numbers), recv(words)]);
    expect([index, value, ok]).toEqual([1, 'hi', true]);
    expect(numbers.length).toBe(0);
  });

  test('exactly one case runs: the losing send delivered nothing', async () => {
    const out = new Channel<number>(1);
    const in_ = new Channel<number>(1);
    await in_.send(1);
    const [index] = await select([send(out, 9), recv(in_)]);
    if (index === 0) expect(in_.length).toBe(1);
    else expect(out.length).toBe(0);
  });

  test('select with after times out a wait, as in Go', async () => {
    const never = new Channel<number>();
    const [index, value] = await select([recv(never), recv(after(10))]);
    expect(index).toBe(1);
    expect(value).toBeInstanceOf(Date);
  });

  test('trySelect returns undefined when nothing is ready, and a nil case never runs', () => {
    expect(trySelect([recv(new Channel<number>()), null])).toBeUndefined();
  });

  test('after(0) is ready at once', async () => {
    const [value, ok] = await after(0).recv();
    expect(ok).toBe(true);
    expect(value).toBeInstanceOf(Date);
  });
});
