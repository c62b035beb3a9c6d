import { describe, expect, it } from 'vitest';
import { Channel } from './channel.js';
import { ClosedChannelError } from './errors.js';
import { recv, select, send, trySelect } from './select.js';
import { checkInvariants, waiterCount } from './test-invariants.js';

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Go's bound for a fair coin over `trials`: the margin of error at a
 * confidence of six nines (z = 4.891676) on a proportion of one half.
 */
const fairnessBound = (trials: number) => 4.891676 / (2 * Math.sqrt(trials));

describe('select', () => {
  it('runs the one ready case and reports its index, value and ok', async () => {
    const a = new Channel<number>(1);
    const b = new Channel<string>(1);
    await b.send('hi');
    expect(await select([recv(a), recv(b)])).toEqual([1, 'hi', true]);
    expect(await select([recv(a), send(b, 'x')])).toEqual([1, undefined, true]);
    expect(b.tryRecv()).toEqual(['x', true]);
  });

  it('waits until a case becomes ready, and only that case runs', async () => {
    const a = new Channel<number>();
    const b = new Channel<number>();
    const c = new Channel<number>();
    const chosen = select([recv(a), recv(b), send(c, 99)]);
    await settle();
    expect(waiterCount(a).recv + waiterCount(b).recv + waiterCount(c).send).toBe(3);
    await b.send(7);
    expect(await chosen).toEqual([1, 7, true]);
    // The losers were unlinked at once: nothing waits on a or c any more.
    for (const ch of [a, b, c]) {
      expect(waiterCount(ch)).toEqual({ recv: 0, send: 0 });
      checkInvariants(ch);
    }
    expect(a.trySend(1)).toBe(false);
    expect(c.tryRecv()).toBeUndefined();
  });

  it('a waiting send case delivers to a receiver that arrives', async () => {
    const out = new Channel<string>();
    const chosen = select([send(out, 'v'), recv(new Channel<number>())]);
    expect(await out.recv()).toEqual(['v', true]);
    expect(await chosen).toEqual([0, undefined, true]);
  });

  it('a receive case on a closed channel runs with ok = false', async () => {
    const a = new Channel<number>();
    const waiting = select([recv(a)]);
    a.close();
    expect(await waiting).toEqual([0, undefined, false]);
    expect(await select([recv(a)])).toEqual([0, undefined, false]);
  });

  it('a send case on a closed channel rejects with ClosedChannelError', async () => {
    const closed = new Channel<number>(1);
    closed.close();
    await expect(select([send(closed, 1)])).rejects.toThrow(new ClosedChannelError('send on closed channel'));
    expect(() => trySelect([send(closed, 1)])).toThrow('send on closed channel');

    const open = new Channel<number>();
    const waiting = select([send(open, 1), recv(new Channel<number>())]);
    open.close();
    await expect(waiting).rejects.toBeInstanceOf(ClosedChannelError);
  });

  it('null and undefined cases are never ready (nil channels)', async () => {
    const a = new Channel<number>(1);
    await a.send(3);
    expect(await select([null, undefined, recv(a)])).toEqual([2, 3, true]);
    expect(trySelect([null, undefined])).toBeUndefined();
  });

  it('recv(null) and send(null, v) are cases that are never ready, parked or polled (nil channels)', async () => {
    const a = new Channel<number>();
    let nil: Channel<number> | null = null;
    expect(trySelect([recv(nil), send(nil, 1)])).toBeUndefined();
    const waiting = select([recv(nil), send(null, 1), recv(a)]);
    await settle();
    expect(waiterCount(a)).toEqual({ recv: 1, send: 0 });
    await a.send(9);
    expect(await waiting).toEqual([2, 9, true]);
    // Switching a case off in a loop, Go's `ch = nil` once a channel is drained.
    nil = a;
    a.close();
    expect(await select([recv(nil)])).toEqual([0, undefined, false]);
    const controller = new AbortController();
    const never = select([recv(null), send(undefined, 1)], controller.signal);
    controller.abort('stop');
    await expect(never).rejects.toBe('stop');
  });

  it('select([]) waits forever; with a signal, until the abort', async () => {
    let settled = false;
    void select([]).finally(() => (settled = true));
    await settle();
    expect(settled).toBe(false);
    const controller = new AbortController();
    const waiting = select([null], controller.signal);
    controller.abort(new Error('bye'));
    await expect(waiting).rejects.toThrow('bye');
  });

  it('an aborted select ran no case: no value taken, none sent', async () => {
    const a = new Channel<number>();
    const b = new Channel<number>();
    const controller = new AbortController();
    const waiting = select([recv(a), send(b, 5)], controller.signal);
    controller.abort('stop');
    await expect(waiting).rejects.toBe('stop');
    expect(waiterCount(a)).toEqual({ recv: 0, send: 0 });
    expect(waiterCount(b)).toEqual({ recv: 0, send: 0 });
    expect(b.tryRecv()).toBeUndefined();
    await expect(select([recv(a)], AbortSignal.abort('already'))).rejects.toBe('already');
  });

  it('recv(ch) is the channel\'s own frozen case, the same every time', async () => {
    const a = new Channel<number>(1);
    const b = new Channel<number>(1);
    expect(recv(a)).toBe(recv(a));
    expect(recv(a)).not.toBe(recv(b));
    expect(Object.isFrozen(recv(a))).toBe(true);
    expect(recv(a)).toMatchObject({ op: 'recv', channel: a });
    expect(recv(null)).toBe(recv(undefined));
    expect(recv(null)).toMatchObject({ op: 'recv', channel: null });
    // One case object at two indices is two cases, as in Go.
    const c = recv(a);
    await a.send(5);
    const [index, v] = await select([c, c]);
    expect(index === 0 || index === 1).toBe(true);
    expect(v).toBe(5);
  });

  it('throws a TypeError for an entry that is not a case', async () => {
    const a = new Channel<number>();
    await expect(select([recv(a), { op: 'recv', channel: a } as never])).rejects.toThrow(TypeError);
    expect(() => trySelect([42 as never])).toThrow('select: case 0 is not a case made by recv() or send(), got 42');
    expect(() => recv({} as never)).toThrow('recv: expected a Channel or null, got an object');
    expect(() => send(42 as never, 1)).toThrow('send: expected a Channel or null, got 42');
    expect(waiterCount(a)).toEqual({ recv: 0, send: 0 });
  });

  it('TestSelfSelect: a select never receives its own send', async () => {
    for (const capacity of [0, 1]) {
      const c = new Channel<number>(capacity);
      const tasks = [0, 1].map(async (p) => {
        for (let i = 0; i < 500; i++) {
          const [index, v] = await select([send(c, p), recv(c)]);
          if (index === 1 && capacity === 0 && v === p) throw new Error(`self receive: ${p}`);
        }
      });
      // With a buffer, values may be left over and a task may wait: drain until both finish.
      let done = false;
      const all = Promise.all(tasks).finally(() => (done = true));
      while (!done) {
        c.tryRecv();
        await settle();
      }
      await all;
    }
  });

  it('TestSelectDuplicateChannel: a channel in two cases of one select', async () => {
    const c = new Channel<number>();
    const d = new Channel<number>();
    const e = new Channel<number>();
    const first = select([recv(c), recv(c), recv(d)]);
    const second = select([recv(c), recv(e)]);
    await settle();
    await c.send(8);
    expect(d.trySend(9)).toBe(false); // first's case on d was withdrawn when c's case ran
    await c.send(10);
    const a = await first;
    const b = await second;
    // first got 8 from c (case 0 or 1), second then got 10 from c.
    expect(a[1]).toBe(8);
    expect(a[0] === 0 || a[0] === 1).toBe(true);
    expect(b).toEqual([0, 10, true]);
    for (const ch of [c, d, e]) expect(waiterCount(ch)).toEqual({ recv: 0, send: 0 });
  });

  it('TestSelectFairness: among ready cases, each is chosen with equal probability', async () => {
    const trials = 10_000;
    const c1 = new Channel<number>(trials + 1);
    const c2 = new Channel<number>(trials + 1);
    for (let i = 0; i <= trials; i++) {
      c1.trySend(1);
      c2.trySend(2);
    }
    const c3 = new Channel<number>();
    const c4 = new Channel<number>();
    let count1 = 0;
    for (let i = 0; i < trials; i++) {
      const [, v] = await select([recv(c3), recv(c4), recv(c1), recv(c2)]);
      if (v === 1) count1++;
      else if (v !== 2) throw new Error(`unexpected value ${v}`);
    }
    expect(Math.abs(count1 / trials - 0.5)).toBeLessThanOrEqual(fairnessBound(trials));
  });

  it('a waiting select queues its cases in random order: either of two cases one sender could serve may run', async () => {
    const trials = 2_000;
    const c = new Channel<number>();
    let first = 0;
    for (let i = 0; i < trials; i++) {
      const waiting = select([recv(c), recv(c)]);
      c.trySend(i);
      const [index, v] = await waiting;
      expect(v).toBe(i);
      if (index === 0) first++;
    }
    expect(Math.abs(first / trials - 0.5)).toBeLessThanOrEqual(fairnessBound(trials));
  });

  it('trySelect is select with a default case', () => {
    const a = new Channel<number>(1);
    expect(trySelect([recv(a)])).toBeUndefined();
    expect(trySelect([send(a, 1)])).toEqual([0, undefined, true]);
    expect(trySelect([send(a, 2)])).toBeUndefined();
    expect(trySelect([send(a, 2), recv(a)])).toEqual([1, 1, true]);
  });

  it('exactly one case runs when several selects compete for one partner', async () => {
    const c = new Channel<number>();
    const other = new Channel<number>();
    const selects = Array.from({ length: 5 }, () => select([recv(c), recv(other)]));
    await c.send(1);
    await other.send(2);
    const settledOnes: unknown[] = [];
    for (const s of selects) void s.then((r) => settledOnes.push(r));
    await settle();
    expect(settledOnes).toHaveLength(2);
    expect(waiterCount(c).recv).toBe(3);
    expect(waiterCount(other).recv).toBe(3);
    c.close();
    await Promise.all(selects);
  });
});
