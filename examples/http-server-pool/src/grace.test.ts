import { expect, test } from 'vitest';
import { createApp } from './app.js';

// CANCEL_GRACE_MS reaches the pool as its `cancelGraceMs` (the env parsing
// and the shutdown with it are in the shared main suite): a value only the
// pool refuses (a timer cannot hold Infinity) is refused with the pool's own
// message, for either kind of task.
test.each(['sleep', 'cpu'] as const)('cancelGraceMs is the pool’s: with TASK_KIND=%s an infinite one is refused by the pool', async (taskKind) => {
  await expect(createApp({ workers: 1, queueSize: 1, taskMs: 10, taskKind, cancelGraceMs: Infinity })).rejects.toThrow(
    new RangeError('Expected `cancelGraceMs` to be a finite, non-negative number of milliseconds, got Infinity'),
  );
});
