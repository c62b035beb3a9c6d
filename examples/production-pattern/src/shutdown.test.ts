import { Channel } from '@gochan/channel';
import { WaitGroup } from '@gochan/waitgroup';
import { describe, expect, test } from 'vitest';
import { shutdown } from './shutdown.js';

describe('shutdown', () => {
  test('closes the jobs channel and waits for the workers', async () => {
    const jobs = new Channel<number>(1);
    const wg = new WaitGroup();
    wg.add(1);
    let drained = false;
    void (async () => {
      for await (const _ of jobs) {
        // Stands for a job.
      }
      drained = true;
      wg.done();
    })();
    expect(await shutdown(jobs, wg, 10_000)).toBe(true);
    expect(jobs.closed).toBe(true);
    expect(drained).toBe(true);
  });

  test('gives up after the timeout when a worker hangs', async () => {
    const jobs = new Channel<number>(1);
    const wg = new WaitGroup();
    wg.add(1); // A worker that never calls done().
    expect(await shutdown(jobs, wg, 20)).toBe(false);
    expect(wg.count).toBe(1);
  });
});
