import { expect, test } from 'vitest';
import { Weighted } from './index.js';
import { STARVED, loopUntilDeadline } from '../../../tests/support/deadline.js';

// Paced as a channel operation is (@gochan/channel's pace.ts).
test('a loop of acquires that never wait sees a 100 ms deadline while it runs', async () => {
  const sem = new Weighted(2);
  const { sawDeadline, iterations } = await loopUntilDeadline(async () => {
    await sem.acquire(1);
    sem.release(1);
  });
  expect(sawDeadline).toBe(true);
  expect(iterations).toBeLessThan(STARVED);
});
