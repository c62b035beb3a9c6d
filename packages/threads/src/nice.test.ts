import { readlinkSync } from 'node:fs';
import { getPriority } from 'node:os';
import { afterEach, describe, expect, test } from 'vitest';
import { close, go, setNice } from './index.js';
import { fixture } from './test-fixtures.js';

afterEach(async () => {
  setNice(0);
  await close();
});

/** This thread's own niceness (the main thread's, here). */
const mine = (): number => getPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()));

describe.runIf(process.platform === 'linux')('setNice', () => {
  test('threads started after setNice(n) run n nicer than the main thread, which keeps its own', async () => {
    const before = mine();
    setNice(4);
    expect(await go(fixture('niceness'))).toBe(Math.min(19, before + 4));
    expect(mine()).toBe(before);
  });

  test('a running thread keeps its niceness; after close, the next thread takes the new setting', async () => {
    const main = mine();
    setNice(3);
    expect(await go(fixture('niceness'))).toBe(Math.min(19, main + 3));
    setNice(0);
    expect(await go(fixture('niceness'))).toBe(Math.min(19, main + 3));
    await close();
    expect(await go(fixture('niceness'))).toBe(main);
  });

  test('by default threads are as nice as the main thread, as Go’s are', async () => {
    expect(await go(fixture('niceness'))).toBe(mine());
  });
});

describe('setNice refuses', () => {
  test.each([-1, 20, 1.5, Number.NaN, '5' as unknown as number])('%s with a RangeError', (n) => {
    expect(() => setNice(n)).toThrow(RangeError);
    expect(() => setNice(n)).toThrow(/expected an integer from 0 to 19/);
  });
});
