import { expect, test } from 'vitest';
import { Group } from './index.js';
import { STARVED, loopUntilDeadline } from '../../../tests/support/deadline.js';

// Paced as a channel operation is (@gochan/channel's pace.ts).
test('a loop of go() with a free slot, and of wait(), sees a 100 ms deadline while it runs', async () => {
  const g = new Group();
  g.setLimit(4);
  let ran = 0;
  const { sawDeadline, iterations } = await loopUntilDeadline(async () => {
    await g.go(() => void ran++);
    await g.wait();
  });
  expect(sawDeadline).toBe(true);
  expect(iterations).toBeLessThan(STARVED);
  expect(ran).toBe(iterations);
});
