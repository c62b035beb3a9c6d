// sleep and afterFunc under a test run: virtual time, as Go's playground
// fakes it: a ten-minute sleep costs no real time, and timers fire in the
// order of their deadlines.
import { afterFunc, Channel, sleep } from '@gochan/channel';
import { describe, expect, test } from 'vitest';
import { oneScheduler } from './test-support.js';

describe('sleep and afterFunc under a test run', () => {
  test('a ten-minute sleep and an afterFunc fire on virtual time, in deadline order', async () => {
    const order = await oneScheduler().run(async () => {
      const seen: string[] = [];
      const fired = new Channel<void>(1);
      afterFunc(5 * 60_000, () => {
        seen.push('afterFunc 5 min');
        fired.trySend();
      });
      await sleep(10 * 60_000);
      seen.push('slept 10 min');
      await fired.recv();
      return seen;
    });
    expect(order).toEqual(['afterFunc 5 min', 'slept 10 min']);
  });
});
