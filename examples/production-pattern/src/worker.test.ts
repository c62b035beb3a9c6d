import { Channel } from '@gochan/channel';
import { background, withCancel } from '@gochan/context';
import { WaitGroup } from '@gochan/waitgroup';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Job } from './job.js';
import { worker } from './worker.js';

const payload = new Uint8Array();

afterEach(() => {
  vi.restoreAllMocks();
});

describe('worker', () => {
  test('logs a failed job and goes on with the next one', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const [cancelled, cancel] = withCancel(background());
    cancel();
    const jobs = new Channel<Job>(2);
    await jobs.send({ id: 'bad', payload, ctx: cancelled });
    await jobs.send({ id: 'good', payload, ctx: background() });
    jobs.close();

    const wg = new WaitGroup();
    wg.add(1);
    await worker(7, jobs, wg, 1);

    expect(error.mock.calls).toEqual([['Worker 7: job bad failed: context canceled']]);
    expect(log.mock.calls).toEqual([['Worker 7 started job bad'], ['Worker 7 started job good'], ['Worker 7 finished job good']]);
    expect(wg.count).toBe(0);
  });

  test('a job cancelled while it runs stops at once', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const [ctx, cancel] = withCancel(background());
    const jobs = new Channel<Job>(1);
    await jobs.send({ id: 'long', payload, ctx });
    jobs.close();
    const wg = new WaitGroup();
    wg.add(1);
    const done = worker(1, jobs, wg, 60_000);
    setTimeout(cancel, 10);
    await done;
    expect(error.mock.calls).toEqual([['Worker 1: job long failed: context canceled']]);
  });

  test('returns, and is counted done, only once the channel is closed and drained', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const jobs = new Channel<Job>();
    const wg = new WaitGroup();
    wg.add(1);
    let returned = false;
    const done = worker(1, jobs, wg, 1).then(() => (returned = true));
    await jobs.send({ id: '1', payload, ctx: background() });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(returned).toBe(false);
    expect(wg.count).toBe(1);
    jobs.close();
    await done;
    expect(wg.count).toBe(0);
  });
});
