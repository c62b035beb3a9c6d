import { describe, expect, it } from 'vitest';
import { Channel } from './channel.js';
import { ClosedChannelError } from './errors.js';
import { checkInvariants, waiterCount } from './test-invariants.js';

/** Lets every pending promise callback run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Whether a promise has settled yet, without waiting for it. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await settle();
  return settled;
}

describe('make(chan T, n)', () => {
  it('has the capacity asked for, an empty buffer and is open', () => {
    for (const n of [0, 1, 7, 1000]) {
      const ch = new Channel<number>(n);
      expect([ch.capacity, ch.length, ch.closed]).toEqual([n, 0, false]);
    }
    expect(new Channel().capacity).toBe(0);
  });

  it('throws a RangeError naming the bad capacity', () => {
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53, '3', null]) {
      expect(() => new Channel(bad as number)).toThrow(RangeError);
    }
    expect(() => new Channel(-1)).toThrow('Expected `capacity` to be a non-negative safe integer, got -1');
    expect(() => new Channel('3' as unknown as number)).toThrow('got "3"');
  });
});

describe('unbuffered channel', () => {
  it('send resolves only once a receiver has taken the value', async () => {
    const ch = new Channel<string>();
    const sent = ch.send('a');
    expect(await isSettled(sent)).toBe(false);
    expect(ch.length).toBe(0);
    expect(await ch.recv()).toEqual(['a', true]);
    expect(await isSettled(sent)).toBe(true);
    checkInvariants(ch);
  });

  it('a waiting receiver gets the value handed over directly (TestChan: sync)', async () => {
    const ch = new Channel<number>();
    const got = ch.recv();
    expect(await isSettled(got)).toBe(false);
    await ch.send(42);
    expect(await got).toEqual([42, true]);
    checkInvariants(ch);
  });

  it('trySend fails without a waiting receiver and succeeds with one', async () => {
    const ch = new Channel<number>();
    expect(ch.trySend(1)).toBe(false);
    const got = ch.recv();
    expect(ch.trySend(2)).toBe(true);
    expect(await got).toEqual([2, true]);
  });

  it('tryRecv returns undefined when nothing is ready, takes from a waiting sender', async () => {
    const ch = new Channel<number>();
    expect(ch.tryRecv()).toBeUndefined();
    const sent = ch.send(5);
    expect(ch.tryRecv()).toEqual([5, true]);
    await sent;
  });
});

describe('buffered channel', () => {
  it('send resolves at once while there is room, then waits (TestChan: buffered)', async () => {
    const ch = new Channel<number>(2);
    await ch.send(1);
    await ch.send(2);
    expect(ch.length).toBe(2);
    const third = ch.send(3);
    expect(await isSettled(third)).toBe(false);
    checkInvariants(ch);
    expect(await ch.recv()).toEqual([1, true]);
    // The freed slot went to the waiting sender, whose value is now last.
    expect(await isSettled(third)).toBe(true);
    expect(ch.length).toBe(2);
    expect(await ch.recv()).toEqual([2, true]);
    expect(await ch.recv()).toEqual([3, true]);
    checkInvariants(ch);
  });

  it('keeps FIFO order across the buffer and waiting senders', async () => {
    const ch = new Channel<number>(3);
    const sends = Array.from({ length: 10 }, (_, i) => ch.send(i));
    const got: number[] = [];
    for (let i = 0; i < 10; i++) got.push((await ch.recv())[0] as number);
    await Promise.all(sends);
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('trySend fails when full; tryRecv drains', () => {
    const ch = new Channel<number>(1);
    expect(ch.trySend(1)).toBe(true);
    expect(ch.trySend(2)).toBe(false);
    expect(ch.tryRecv()).toEqual([1, true]);
    expect(ch.tryRecv()).toBeUndefined();
  });
});

describe('waiting senders and receivers are served first come, first served', () => {
  it('receivers (TestMultiConsumer order within a goroutine)', async () => {
    const ch = new Channel<number>();
    const receivers = [ch.recv(), ch.recv(), ch.recv()];
    for (const v of [10, 20, 30]) await ch.send(v);
    expect(await Promise.all(receivers)).toEqual([[10, true], [20, true], [30, true]]);
  });

  it('senders', async () => {
    const ch = new Channel<string>();
    const sends = ['a', 'b', 'c'].map((v) => ch.send(v));
    expect([await ch.recv(), await ch.recv(), await ch.recv()]).toEqual([['a', true], ['b', true], ['c', true]]);
    await Promise.all(sends);
  });
});

describe('close', () => {
  it('receivers get the buffered values first, then [undefined, false] forever', async () => {
    const ch = new Channel<number>(3);
    await ch.send(1);
    await ch.send(2);
    ch.close();
    expect(ch.closed).toBe(true);
    expect(await ch.recv()).toEqual([1, true]);
    expect(ch.tryRecv()).toEqual([2, true]);
    for (let i = 0; i < 3; i++) expect(await ch.recv()).toEqual([undefined, false]);
    expect(ch.tryRecv()).toEqual([undefined, false]);
  });

  it('wakes every waiting receiver with [undefined, false]', async () => {
    const ch = new Channel<number>();
    const receivers = [ch.recv(), ch.recv()];
    ch.close();
    checkInvariants(ch);
    expect(await Promise.all(receivers)).toEqual([[undefined, false], [undefined, false]]);
  });

  it('rejects the senders that were waiting, with Go\'s text', async () => {
    const ch = new Channel<number>(1);
    await ch.send(1);
    const waiting = ch.send(2);
    ch.close();
    await expect(waiting).rejects.toThrow(new ClosedChannelError('send on closed channel'));
    // The value that was buffered before close is still delivered; the rejected one never is.
    expect(await ch.recv()).toEqual([1, true]);
    expect(await ch.recv()).toEqual([undefined, false]);
  });

  it('send on a closed channel rejects, trySend throws: "send on closed channel"', async () => {
    const ch = new Channel<number>(5);
    ch.close();
    const error = await ch.send(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClosedChannelError);
    expect((error as Error).message).toBe('send on closed channel');
    expect((error as Error).name).toBe('ClosedChannelError');
    expect(() => ch.trySend(1)).toThrow('send on closed channel');
    expect(ch.length).toBe(0);
  });

  it('close of a closed channel throws "close of closed channel"', () => {
    const ch = new Channel();
    ch.close();
    expect(() => ch.close()).toThrow(ClosedChannelError);
    expect(() => ch.close()).toThrow('close of closed channel');
  });
});

describe('AbortSignal', () => {
  it('an already aborted signal rejects with its reason and the operation does not happen', async () => {
    const ch = new Channel<number>(1);
    const reason = new Error('stop');
    const signal = AbortSignal.abort(reason);
    await expect(ch.send(1, signal)).rejects.toBe(reason);
    expect(ch.length).toBe(0);
    await ch.send(2);
    await expect(ch.recv(signal)).rejects.toBe(reason);
    expect(ch.length).toBe(1);
  });

  it('aborting a waiting send withdraws it: no receiver ever gets the value', async () => {
    const ch = new Channel<string>();
    const controller = new AbortController();
    const sent = ch.send('ghost', controller.signal);
    const other = ch.send('real');
    controller.abort('client went away');
    await expect(sent).rejects.toBe('client went away');
    checkInvariants(ch);
    expect(await ch.recv()).toEqual(['real', true]);
    await other;
    expect(waiterCount(ch)).toEqual({ recv: 0, send: 0 });
  });

  it('aborting a waiting receive withdraws it: no value is taken', async () => {
    const ch = new Channel<number>();
    const controller = new AbortController();
    const got = ch.recv(controller.signal);
    controller.abort();
    await expect(got).rejects.toBeInstanceOf(DOMException);
    expect(ch.trySend(1)).toBe(false); // nobody is receiving any more
    const sent = ch.send(1);
    expect(await ch.recv()).toEqual([1, true]);
    await sent;
  });

  it('a completed operation stops listening to its signal', async () => {
    const ch = new Channel<number>();
    const controller = new AbortController();
    let listeners = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => (listeners++, add(...args))) as typeof add;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => (listeners--, remove(...args))) as typeof remove;
    const got = ch.recv(signal); // parks, listening
    expect(listeners).toBe(1);
    await ch.send(1);
    const sent = ch.send(2, signal); // parks, listening
    expect(listeners).toBe(1);
    await ch.recv();
    expect(await Promise.all([got, sent])).toEqual([[1, true], undefined]);
    expect(listeners).toBe(0);
  });
});

describe('for await (range)', () => {
  it('receives every value in order and ends when closed and drained', async () => {
    const ch = new Channel<number>(2);
    const producer = (async () => {
      for (let i = 0; i < 100; i++) await ch.send(i);
      ch.close();
    })();
    const got: number[] = [];
    for await (const v of ch) got.push(v);
    await producer;
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('leaving the loop early neither closes the channel nor loses a value', async () => {
    const ch = new Channel<number>(10);
    for (let i = 0; i < 10; i++) await ch.send(i);
    const first: number[] = [];
    for await (const v of ch) {
      first.push(v);
      if (v === 3) break;
    }
    expect(ch.closed).toBe(false);
    try {
      for await (const v of ch) {
        first.push(v);
        if (v === 6) throw new Error('out');
      }
    } catch {
      // left by a throw
    }
    ch.close();
    const rest: number[] = [];
    for await (const v of ch) rest.push(v);
    expect([...first, ...rest]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('return() withdraws a parked next(), so the value goes to the next receiver', async () => {
    const ch = new Channel<number>();
    const iterator = ch[Symbol.asyncIterator]();
    const pending = iterator.next();
    await iterator.return?.();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(waiterCount(ch)).toEqual({ recv: 0, send: 0 });
    const sent = ch.send(7);
    expect(await ch.recv()).toEqual([7, true]);
    await sent;
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('serves concurrent next() calls one at a time, in order', async () => {
    const ch = new Channel<number>();
    const iterator = ch[Symbol.asyncIterator]();
    const results = [iterator.next(), iterator.next(), iterator.next()];
    await ch.send(1);
    await ch.send(2);
    ch.close();
    expect(await Promise.all(results)).toEqual([
      { value: 1, done: false },
      { value: 2, done: false },
      { value: undefined, done: true },
    ]);
  });
});

describe('TestSelfSelect-style: many tasks on one channel', () => {
  it('TestMultiConsumer: every value is received exactly once', async () => {
    const ch = new Channel<number>(3);
    const total = 2_000;
    const consumers = Array.from({ length: 5 }, async () => {
      const got: number[] = [];
      for await (const v of ch) got.push(v);
      return got;
    });
    const producers = Array.from({ length: 4 }, async (_, p) => {
      for (let i = p; i < total; i += 4) await ch.send(i);
    });
    await Promise.all(producers);
    ch.close();
    const all = (await Promise.all(consumers)).flat().sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: total }, (_, i) => i));
  });
});
