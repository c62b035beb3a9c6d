import { ClosedChannelError, Channel, recv, trySelect } from '@gochan/channel';
import { afterEach, describe, expect, test } from 'vitest';
import { ThreadExitError, close, go } from './index.js';
import { fixture } from './test-fixtures.js';

// Go's channel rules (runtime/chan_test.go), with the two ends on different threads.

afterEach(async () => {
  await close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('channels across threads', () => {
  test('TestChan: an unbuffered send resolves only once the receiver on the other thread has the value', async () => {
    const gate = new Channel<void>();
    const input = new Channel<number>();
    const receiving = go<{ value: number; ok: boolean }>(fixture('receive-after'), gate, input);
    let sent = false;
    const sending = input.send(41).then(() => (sent = true));
    await sleep(50);
    expect(sent).toBe(false); // no receiver yet: the goroutine waits on the gate
    await gate.send();
    await sending;
    expect(await receiving).toEqual({ value: 41, ok: true });
  });

  test('a send posted after its thread computed leaves at once, not after the task its thread runs next', async () => {
    const output = new Channel<string>();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const seen = go<boolean>(fixture('send-after-computing'), output, flag.buffer);
    expect(await output.recv()).toEqual(['computed', true]);
    Atomics.store(flag, 0, 1); // the spinning task may stop: the value is here
    expect(await seen).toBe(true);
  });

  test('values from one sender on another thread arrive in the order sent', async () => {
    for (const capacity of [0, 1, 16]) {
      const ch = new Channel<number>(capacity);
      const sending = go(fixture('send-all'), ch, 0, 500, true);
      const got: number[] = [];
      for await (const v of ch) got.push(v);
      expect(got).toEqual(Array.from({ length: 500 }, (_, i) => i));
      expect(await sending).toBe(500);
    }
  });

  test('a channel made on a thread crosses back over a channel and keeps its rules here', async () => {
    const out = new Channel<Channel<number>>();
    const running = go(fixture('own-channel'), out, 100, 4);
    const [theirs, ok] = await out.recv();
    expect(ok).toBe(true);
    expect(theirs).toBeInstanceOf(Channel);
    expect(theirs?.capacity).toBe(4);
    const got: number[] = [];
    for await (const v of theirs as Channel<number>) got.push(v);
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(await (theirs as Channel<number>).recv()).toEqual([undefined, false]);
    expect((theirs as Channel<number>).closed).toBe(true);
    expect(await running).toBe('done');
  });

  test('TestCloseChan: close fails a sender waiting on another thread with "send on closed channel"', async () => {
    const ch = new Channel<number>();
    const sending = go<string>(fixture('send-one'), ch, 1);
    await sleep(30); // the goroutine's send is parked here by now, or arrives after the close: either way it fails
    ch.close();
    expect(await sending).toBe('ClosedChannelError: send on closed channel');
  });

  test('a closed channel drains its buffer for a receiver on another thread, then yields [undefined, false]', async () => {
    const ch = new Channel<number>(5);
    for (const v of [1, 2, 3]) await ch.send(v);
    ch.close();
    expect(await go(fixture('drain'), ch)).toEqual({ got: [1, 2, 3], ok: false });
  });

  test('close of a closed channel on another thread panics there: its thread dies of ClosedChannelError', async () => {
    const ch = new Channel<number>();
    ch.close();
    const error = await go(fixture('close-twice'), ch).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThreadExitError);
    expect((error as Error).message).toMatch(/close of closed channel/);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  test('a value that cannot be cloned fails that send with a clear error and changes nothing in the channel', async () => {
    const ch = new Channel<string>();
    const running = go<string>(fixture('send-unclonable'), ch);
    expect(await ch.recv()).toEqual(['ok', true]);
    expect(await running).toMatch(/^TypeError: threads: a value cannot cross to another thread/);
  });

  test('an aborted receive of a channel on another thread has not happened: the value stays for the next receiver', async () => {
    const out = new Channel<Channel<number>>();
    void go(fixture('own-channel'), out, 3, 0);
    const [theirs] = await out.recv();
    const ch = theirs as Channel<number>;
    const controller = new AbortController();
    const aborted = ch.recv(controller.signal);
    controller.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    // Whether the abort won or the value had already been handed over, nothing is lost or repeated.
    const got: number[] = [];
    for await (const v of ch) got.push(v);
    expect(got).toEqual([0, 1, 2]);
  });

  test('tryRecv, trySend and trySelect on another thread\'s channel throw a TypeError that says why', async () => {
    const out = new Channel<Channel<number>>();
    const release = new Channel<void>();
    const holding = go(fixture('hold-channel'), out, release);
    const [theirs] = await out.recv();
    const ch = theirs as Channel<number>;
    expect(() => ch.tryRecv()).toThrow(/lives on thread \d+/);
    expect(() => ch.trySend(1)).toThrow(TypeError);
    expect(() => trySelect([recv(ch)])).toThrow(/another thread/);
    expect(ch.length).toBe(0);
    release.close();
    expect(await holding).toBe('released');
  });

  test('a send from another thread on a channel closed here fails at once with "send on closed channel"', async () => {
    const ch = new Channel<number>();
    ch.close();
    expect(await go<string>(fixture('send-one'), ch, 1)).toBe('ClosedChannelError: send on closed channel');
  });

  test('a receive from another thread pairs at once with a sender parked here, and that send resolves', async () => {
    const input = new Channel<number>();
    const output = new Channel<number>();
    const sending = input.send(21); // parked: no receiver yet
    const echoing = go<number>(fixture('echo'), input, output);
    await sending;
    expect(await output.recv()).toEqual([42, true]);
    input.close();
    expect(await echoing).toBe(1);
  });

  test('a ClosedChannelError from another thread is a ClosedChannelError here', async () => {
    const out = new Channel<Channel<number>>();
    void go(fixture('own-channel'), out, 0, 0);
    const [theirs] = await out.recv();
    const ch = theirs as Channel<number>;
    expect(await ch.recv()).toEqual([undefined, false]);
    await expect(ch.send(1)).rejects.toBeInstanceOf(ClosedChannelError);
  });
});
