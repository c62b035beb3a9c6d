import { Channel } from '@gochan/channel';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { ThreadExitError, close, go } from './index.js';
import { fixture } from './test-fixtures.js';

afterAll(async () => {
  await close();
});

/**
 * A receive here that, with chance `abortChance`, carries a signal aborting
 * after 0-2 ms, and that also aborts when `stop` does; undefined if it was
 * aborted (an aborted receive has taken nothing, so nothing is lost by it).
 */
async function maybeAbortedRecv<T>(ch: Channel<T>, draw: () => number, abortChance: number, stop: AbortSignal): Promise<[T, boolean] | [undefined, false] | undefined> {
  const signal = draw() < abortChance ? AbortSignal.any([stop, AbortSignal.timeout(Math.floor(draw() * 3))]) : stop;
  try {
    return await ch.recv(signal);
  } catch (error) {
    if (!signal.aborted) throw error;
    if (!stop.aborted) abortedHere++;
    return undefined;
  }
}

/** How many receives here and sends there aborted before completing, so that the property is seen to exercise aborts. */
let abortedHere = 0;
let abortedThere = 0;

describe('channels across threads, under random interleavings and aborts', () => {
  test('no value is lost, duplicated or reordered: every completed send is received once, in each sender\'s order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 5, max: 60 }),
        fc.double({ min: 0.1, max: 0.5, noNaN: true }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        async (capacity, senders, count, abortChance, seed) => {
          const ch = new Channel<number>(capacity);
          let state = seed;
          const draw = () => {
            state = (Math.imul(state, 48271) % 2147483647) >>> 0;
            return state / 2147483647;
          };
          const sending = Array.from({ length: senders }, (_, s) => go<number[]>(fixture('send-maybe-abort'), ch, s * 1000, count, seed + s, abortChance));
          const stop = new AbortController();
          const allSent = Promise.all(sending).finally(() => stop.abort());
          const received: number[] = [];
          // Receive (sometimes aborting) until every sender is done; then take what the buffer still holds.
          while (!stop.signal.aborted) {
            // Now and then the receiver dawdles, so that senders park and their signals race the hand-off.
            if (draw() < 0.2) await new Promise((resolve) => setTimeout(resolve, Math.floor(draw() * 3)));
            const result = await maybeAbortedRecv(ch, draw, abortChance, stop.signal);
            if (result !== undefined && result[1]) received.push(result[0] as number);
          }
          const sentLists = await allSent;
          abortedThere += senders * count - sentLists.flat().length;
          for (let r = ch.tryRecv(); r !== undefined && r[1]; r = ch.tryRecv()) received.push(r[0] as number);
          const expected = sentLists.flat().sort((a, b) => a - b);
          expect([...received].sort((a, b) => a - b)).toEqual(expected);
          for (let s = 0; s < senders; s++) {
            const mine = received.filter((v) => Math.floor(v / 1000) === s);
            expect(mine).toEqual(sentLists[s]);
          }
        },
      ),
      { numRuns: 25 },
    );
    expect(abortedHere).toBeGreaterThan(0);
    expect(abortedThere).toBeGreaterThan(0);
  });

  test('a thread killed mid-send leaves the channel consistent: the others\' values all arrive once, in order, and the dead one\'s are an in-order prefix', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 40 }), async (capacity, exitAt, count) => {
        const ch = new Channel<number>(capacity);
        const dying = go(fixture('send-then-exit'), ch, 0, exitAt).catch((e: unknown) => e);
        const living = go<number>(fixture('send-all'), ch, 1000, count, false);
        const received: number[] = [];
        let died = false;
        void dying.then(() => (died = true));
        let fromLiving = 0;
        while (fromLiving < count || !died) {
          // A receive that times out has taken nothing; one that ran is counted.
          const result = await ch.recv(AbortSignal.timeout(50)).catch(() => undefined);
          if (result === undefined) continue;
          received.push(result[0] as number);
          if ((result[0] as number) >= 1000) fromLiving++;
        }
        expect(await dying).toBeInstanceOf(ThreadExitError);
        expect(await living).toBe(count);
        // Anything the dead thread's last send left in the buffer.
        for (let r = ch.tryRecv(); r !== undefined && r[1]; r = ch.tryRecv()) received.push(r[0] as number);
        expect(received.filter((v) => v >= 1000)).toEqual(Array.from({ length: count }, (_, i) => 1000 + i));
        const dead = received.filter((v) => v < 1000);
        expect(dead).toEqual(Array.from({ length: dead.length }, (_, i) => i));
        expect(dead.length === exitAt || dead.length === exitAt + 1).toBe(true);
      }),
      { numRuns: 15 },
    );
  });
});
