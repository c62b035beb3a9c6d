import { Channel, recv, select } from '@gochan/channel';
import { afterEach, describe, expect, test } from 'vitest';
import { close, go } from './index.js';
import { fixture } from './test-fixtures.js';

// Go's select rules (runtime/chan_test.go, select.go) with cases on channels of other threads.

afterEach(async () => {
  await close();
});

describe('select across threads', () => {
  test('TestSelect: a select on another thread runs exactly one case each time; a case that lost took no value', async () => {
    const a = new Channel<number>();
    const b = new Channel<number>();
    const rounds = 100;
    const selecting = go<[number, number][]>(fixture('select-two'), a, b, rounds);
    // 2 × rounds senders wait at once; each select takes exactly one of them.
    const sent = new Set<number>();
    const sends = [
      ...Array.from({ length: rounds }, (_, i) => a.send(i).then(() => sent.add(i))),
      ...Array.from({ length: rounds }, (_, i) => b.send(1000 + i).then(() => sent.add(1000 + i))),
    ];
    const ran = await selecting;
    expect(ran.length).toBe(rounds);
    for (const [index, value] of ran) expect(index === 0 ? value < 1000 : value >= 1000).toBe(true);
    const received = ran.map(([, v]) => v);
    expect(new Set(received).size).toBe(rounds); // no value twice
    await Promise.resolve();
    for (const v of received) expect(sent.has(v)).toBe(true);
    // The other `rounds` senders still wait, their values untaken: receive them here.
    const rest: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const [, v] = await select([recv(a), recv(b)]);
      rest.push(v as number);
    }
    await Promise.all(sends);
    const all = [...received, ...rest].sort((x, y) => x - y);
    expect(all).toEqual([...Array.from({ length: rounds }, (_, i) => i), ...Array.from({ length: rounds }, (_, i) => 1000 + i)]);
  });

  test('TestSelectFairness: among ready cases of one other thread, the choice is uniform', async () => {
    const a = new Channel<number>(2000);
    const b = new Channel<number>(2000);
    const rounds = 1000;
    for (let i = 0; i < rounds; i++) {
      a.trySend(0);
      b.trySend(1);
    }
    const ran = await go<[number, number][]>(fixture('select-two'), a, b, rounds);
    const first = ran.filter(([index]) => index === 0).length;
    // Binomial(1000, 0.5): mean 500, sd 15.8; 6.3 sd either side fails once in 3e10 runs.
    expect(first).toBeGreaterThan(400);
    expect(first).toBeLessThan(600);
  });

  test('a select mixing another thread\'s channel with a local one runs exactly one of them', async () => {
    for (const localFirst of [true, false]) {
      const remote = new Channel<string>();
      const selecting = go<{ index: number; value: unknown; localGot: unknown }>(fixture('select-local'), remote, localFirst);
      let remoteTaken = false;
      const sending = remote.send('from-main').then(() => (remoteTaken = true));
      const { index, value, localGot } = await selecting;
      if (index === 0) {
        expect(value).toBe('from-main');
        expect(localGot).toBeUndefined();
        await sending;
        expect(remoteTaken).toBe(true);
      } else {
        expect(localGot).toBe('from-select');
        expect(remoteTaken).toBe(false);
        expect(await remote.recv()).toEqual(['from-main', true]); // the value no case took
      }
    }
  });

  test('a select here over a channel of another thread and a timer: aborting or timing out runs no case', async () => {
    const out = new Channel<Channel<number>>();
    const release = new Channel<void>();
    const holding = go(fixture('hold-channel'), out, release);
    const [theirs] = await out.recv();
    const ch = theirs as Channel<number>;
    await expect(select([recv(ch)], AbortSignal.timeout(20))).rejects.toThrow(/timeout|aborted/i);
    const controller = new AbortController();
    const waiting = select([recv(ch)], controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    release.close();
    await holding;
  });
});
