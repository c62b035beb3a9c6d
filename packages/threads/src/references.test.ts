import { Channel } from '@gochan/channel';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, test } from 'vitest';
import { GOMAXPROCS, close, exportedChannels, go } from './go.js';
import { fixture } from './test-fixtures.js';

afterAll(() => close());

setFlagsFromString('--expose-gc');
const gcHere = runInNewContext('gc') as () => void;

/** Collects garbage on every thread (and here) until `done()`, `tries` times at most. */
async function collectUntil(done: () => boolean, tries = 40): Promise<void> {
  for (let attempt = 0; attempt < tries && !done(); attempt++) {
    gcHere();
    await Promise.all([go(fixture('collect'), 20), go(fixture('collect'), 20)]);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('a channel that crossed threads is let go once no thread holds it (Go collects an unreachable channel)', () => {
  test('a channel given to goroutines that have ended is forgotten by its home once their threads collect their proxies', async () => {
    GOMAXPROCS(2);
    const before = exportedChannels();
    for (let round = 0; round < 5; round++) {
      const ch = new Channel<number>(3);
      const capacities = await Promise.all(Array.from({ length: 10 }, () => go(fixture('touch'), ch)));
      expect(capacities).toEqual(Array(10).fill(3));
    }
    expect(exportedChannels()).toBeGreaterThanOrEqual(before + 5);
    await collectUntil(() => exportedChannels() === before);
    expect(exportedChannels()).toBe(before);
  });

  test('a channel still held on a thread is kept and still works, however many others let go of it', async () => {
    GOMAXPROCS(2);
    const ch = new Channel<number>();
    const start = new Channel<void>();
    const out = new Channel<number>(1);
    const holder = go(fixture('recv-later'), ch, start, out);
    await Promise.all(Array.from({ length: 20 }, () => go(fixture('touch'), ch)));
    const held = exportedChannels();
    await collectUntil(() => false, 8);
    expect(exportedChannels()).toBe(held); // ch, start and out: all still held by the goroutine that waits
    await start.send();
    await ch.send(42);
    expect(await out.recv()).toEqual([42, true]);
    expect(await holder).toBe(42);
  });

  test('a channel forwarded from one thread to another outlives the forwarder', async () => {
    GOMAXPROCS(2);
    const ch = new Channel<number>();
    const start = new Channel<void>();
    const out = new Channel<number>(1);
    // The forwarder passes all three on to a goroutine of its own and ends; its proxies become garbage.
    expect(await go(fixture('forward'), fixture('recv-later').href, ch, start, out)).toBe('forwarded');
    await collectUntil(() => false, 8);
    await start.send();
    await ch.send(7);
    expect(await out.recv()).toEqual([7, true]);
  });

  test("a worker's channel passed on by the main thread to goroutines that end still serves the main thread", async () => {
    GOMAXPROCS(2);
    const handout = new Channel<Channel<number>>();
    const owner = go(fixture('own-channel'), handout, 3, 0);
    const [theirs] = await handout.recv();
    await Promise.all(Array.from({ length: 10 }, () => go(fixture('touch'), theirs)));
    await collectUntil(() => false, 8);
    const got: number[] = [];
    for await (const v of theirs as Channel<number>) got.push(v);
    expect(got).toEqual([0, 1, 2]);
    expect(await owner).toBe('done');
  });

  test("a worker's channel that the main thread passes on and then lets go of stays, at its home, for the goroutine it went to", async () => {
    GOMAXPROCS(2);
    const start = new Channel<void>();
    const out = new Channel<number>(1);
    // The main thread's proxy of the worker's channel lives only in here.
    const { owner, holder } = await (async () => {
      const handout = new Channel<Channel<number>>();
      const owner = go(fixture('own-channel'), handout, 3, 3);
      const [theirs] = await handout.recv();
      return { owner, holder: go(fixture('recv-later'), theirs, start, out) };
    })();
    expect(await owner).toBe('done');
    await collectUntil(() => false, 8);
    await start.send();
    expect(await out.recv()).toEqual([0, true]);
    expect(await holder).toBe(0);
  });
});
