import { expect, test } from 'vitest';
import { WaitGroup } from './index.js';
import { STARVED, loopUntilDeadline } from '../../../tests/support/deadline.js';

// Paced as a channel operation is (@gochan/channel's pace.ts).
test('a loop of wait() on an idle group sees a 100 ms deadline while it runs', async () => {
  const wg = new WaitGroup();
  const { sawDeadline, iterations } = await loopUntilDeadline(() => wg.wait());
  expect(sawDeadline).toBe(true);
  expect(iterations).toBeLessThan(STARVED);
});
