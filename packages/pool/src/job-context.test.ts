import { Canceled, DeadlineExceeded, background, withCancel, withCancelCause, withDeadline, withValue } from '@gochan/context';
import { describe, expect, test } from 'vitest';
import { JobContext } from './job-context.js';
import { sleep } from './test-helpers.js';

describe('JobContext: the pool’s context merged with a job’s', () => {
  test('is cancelled as soon as either parent is, with that parent’s err and cause', () => {
    const [pool, cancelPool] = withCancelCause(background());
    const [job, cancelJob] = withCancelCause(background());
    const ctx = new JobContext(pool, job);
    expect(ctx.err()).toBeUndefined();
    expect(ctx.cause()).toBeUndefined();
    const why = new Error('job withdrawn');
    cancelJob(why);
    // Read at once, before any listener could have run.
    expect(ctx.err()).toBe(Canceled);
    expect(ctx.cause()).toBe(why);
    // The first cancellation seen is kept.
    cancelPool(new Error('pool stopped'));
    expect(ctx.cause()).toBe(why);
  });

  test('has the earlier deadline, and fails with DeadlineExceeded at it', async () => {
    const later = Date.now() + 60_000;
    const [pool, cancelPool] = withDeadline(background(), later);
    const [job, cancelJob] = withDeadline(background(), Date.now() + 10);
    const ctx = new JobContext(pool, job);
    expect(ctx.deadline()).toEqual(job.deadline());
    expect(new JobContext(job, pool).deadline()).toEqual(job.deadline());
    expect(new JobContext(background(), pool).deadline()).toEqual(pool.deadline());
    expect(new JobContext(background(), background()).deadline()).toBeUndefined();
    const done = ctx.done();
    await done.recv();
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(ctx.signal.reason).toBe(DeadlineExceeded);
    cancelPool();
    cancelJob();
  });

  test('looks values up in the job’s context first, then the pool’s', () => {
    const pool = withValue(withValue(background(), 'shared', 'pool'), 'pool only', 1);
    const job = withValue(background(), 'shared', 'job');
    const ctx = new JobContext(pool, job);
    expect(ctx.value('shared')).toBe('job');
    expect(ctx.value('pool only')).toBe(1);
    expect(ctx.value('nowhere')).toBeUndefined();
  });

  test('done() closes and signal aborts when a parent is cancelled later', async () => {
    const [pool, cancelPool] = withCancel(background());
    const ctx = new JobContext(pool, background());
    const done = ctx.done();
    const signal = ctx.signal;
    expect(ctx.done()).toBe(done);
    expect(ctx.signal).toBe(signal);
    expect(done.closed).toBe(false);
    cancelPool();
    await sleep(0);
    expect(done.closed).toBe(true);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(Canceled);
  });

  test('signal takes any number of listeners (a handler\'s fan-out), all heard, without Node warning of a leak', async () => {
    // Node warns past 10 listeners; a browser has no such warning (and no process): there the listeners are still all heard.
    const node = (globalThis as { process?: NodeJS.Process }).process;
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    node?.on('warning', onWarning);
    try {
      const [job, cancel] = withCancel(background());
      const ctx = new JobContext(background(), job);
      let heard = 0;
      for (let i = 0; i < 64; i++) ctx.signal.addEventListener('abort', () => void heard++);
      cancel();
      await sleep(10); // Node emits its warnings on a later tick
      expect(heard).toBe(64);
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      node?.off('warning', onWarning);
    }
  });

  test('done() and signal of an already cancelled context are closed and aborted at once', () => {
    const [job, cancel] = withCancel(background());
    cancel();
    const ctx = new JobContext(background(), job);
    expect(ctx.done().closed).toBe(true);
    expect(ctx.signal.aborted).toBe(true);
  });

  test('end() is Go’s defer cancel(): cancelled with Canceled, and no longer follows its parents', async () => {
    const [pool, cancelPool] = withCancelCause(background());
    const ctx = new JobContext(pool, background());
    const signal = ctx.signal; // registers the listeners
    ctx.end();
    expect(ctx.err()).toBe(Canceled);
    expect(ctx.cause()).toBe(Canceled);
    expect(signal.aborted).toBe(true);
    cancelPool(new Error('later'));
    await sleep(0);
    expect(ctx.cause()).toBe(Canceled);
    ctx.end(); // twice is harmless
    expect(ctx.err()).toBe(Canceled);
  });
});
