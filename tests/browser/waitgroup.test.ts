// @gochan/waitgroup in a real browser, from the built package.
import { expect, test } from 'vitest';
import { WaitGroup } from '@gochan/waitgroup';

test('wait resolves once every go(fn) has settled', async () => {
  const wg = new WaitGroup();
  const finished: number[] = [];
  for (let i = 1; i <= 3; i++) {
    wg.go(async () => {
      await new Promise((resolve) => setTimeout(resolve, i * 2));
      finished.push(i);
    });
  }
  expect(wg.count).toBe(3);
  await wg.wait();
  expect(finished.sort()).toEqual([1, 2, 3]);
  wg.go(() => finished.push(4)); // a synchronous fn counts too
  await wg.wait();
  expect(finished).toHaveLength(4);
  expect(wg.count).toBe(0);
});

test('a negative counter throws Go\'s text', () => {
  const wg = new WaitGroup();
  expect(() => wg.done()).toThrow('sync: negative WaitGroup counter');
});

test('wait with an aborted signal rejects with its reason', async () => {
  const wg = new WaitGroup();
  wg.add(1);
  await expect(wg.wait(AbortSignal.timeout(10))).rejects.toMatchObject({ name: 'TimeoutError' });
  wg.done();
  await wg.wait();
});
