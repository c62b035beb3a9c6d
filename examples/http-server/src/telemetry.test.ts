import { describe, expect, test } from 'vitest';
import type { Log } from './log.js';
import { Telemetry } from './telemetry.js';
import { Scrape } from './test-metrics.js';

/** A Log that keeps its lines. */
function keep(): Log & { lines: [string, string, object | undefined][] } {
  const lines: [string, string, object | undefined][] = [];
  return {
    format: 'json',
    lines,
    info: (message, fields) => void lines.push(['info', message, fields]),
    notice: (message, fields) => void lines.push(['notice', message, fields]),
    warn: (message, fields) => void lines.push(['warn', message, fields]),
    error: (message, fields) => void lines.push(['error', message, fields]),
  };
}

describe('Telemetry', () => {
  test('a stored task that fails is counted failed, retried, and at its last attempt dead; the store shows by state', async () => {
    const log = keep();
    const telemetry = new Telemetry(log);
    const store = { waiting: 3, running: 1, completed: 7, failed: 2, dead: 1 };
    telemetry.watch({ stats: () => ({ queued: 0, active: 1, store }), waiting: () => 0, oldestWaitMs: () => 0, connections: () => 2 });
    try {
      const task = { worker: 1, id: 'x', queueWaitMs: 5, runMs: 20, attempt: 1 };
      telemetry.processing(task);
      telemetry.failed(task, 'boom', 'retry', true);
      telemetry.retried();
      telemetry.processing({ ...task, attempt: 2 });
      telemetry.failed({ ...task, attempt: 2 }, 'boom', 'dead', true);
      const metrics = new Scrape(await telemetry.registry.metrics());
      expect(metrics.value('gochan_tasks_failed_total')).toBe(2);
      expect(metrics.value('gochan_tasks_retried_total')).toBe(1);
      expect(metrics.value('gochan_tasks_dead_total')).toBe(1);
      expect(metrics.value('gochan_queue_depth')).toBe(3);
      expect(metrics.value('gochan_http_connections')).toBe(2);
      for (const [state, count] of Object.entries(store)) expect(metrics.value('gochan_store_tasks', { state })).toBe(count);
      expect(metrics.histogram('gochan_task_run_seconds')).toMatchObject({ count: 2, sum: 0.04 });
      expect(metrics.histogram('gochan_task_queue_wait_seconds')).toMatchObject({ count: 2, sum: 0.01 });
      expect(log.lines.map(([, message]) => message)).toEqual([
        'Worker 1 processing task ID x',
        'Worker 1 failed task ID x: boom',
        'Worker 1 processing task ID x (attempt 2)',
        'Worker 1 failed task ID x: boom',
      ]);
      expect(log.lines[3]![2]).toEqual({ event: 'fail', jobId: 'x', worker: 1, attempt: 2, queueWaitMs: 5, runMs: 20, reason: 'boom', fate: 'dead' });
    } finally {
      telemetry.stop();
    }
  });

  test('the history keeps one sample a second, at most five minutes of them, and tells its listeners', () => {
    const telemetry = new Telemetry(keep());
    const seen: number[] = [];
    telemetry.onSample((sample) => seen.push(sample.queued));
    let queued = 0;
    telemetry.watch({ stats: () => ({ queued: queued++, active: 0 }), waiting: () => 0, oldestWaitMs: () => 0, connections: () => 0 });
    telemetry.stop();
    expect(telemetry.history).toHaveLength(1);
    expect(seen).toEqual([0]);
  });

  test("with the pool's own metrics, a scrape reads them as they are then, and the moves told only print lines", async () => {
    const log = keep();
    const telemetry = new Telemetry(log);
    const buckets = [0, 0.001, 1, Infinity];
    const pool = {
      submitted: 9,
      completed: 5,
      failed: 2,
      retried: 1,
      dead: 1,
      queueWait: { counts: [1, 2, 0], buckets, sum: 0.25 },
      run: { counts: [0, 3, 1], buckets, sum: 4.5 },
    };
    telemetry.watch({ stats: () => ({ queued: 0, active: 0 }), waiting: () => 0, oldestWaitMs: () => 0, connections: () => 0, metrics: () => pool });
    try {
      telemetry.processing({ worker: 1, id: 'x', queueWaitMs: 5 });
      telemetry.finished({ worker: 1, id: 'x', queueWaitMs: 5, runMs: 20 });
      let metrics = new Scrape(await telemetry.registry.metrics());
      for (const field of ['submitted', 'completed', 'failed', 'retried', 'dead'] as const) {
        expect(metrics.value(`gochan_tasks_${field}_total`)).toBe(pool[field]);
        expect(metrics.family(`gochan_tasks_${field}_total`).type).toBe('COUNTER');
      }
      // Go's buckets [lower, upper) become Prometheus' cumulative `le` upper bounds.
      expect(metrics.histogram('gochan_task_run_seconds')).toEqual({ count: 4, sum: 4.5, buckets: new Map([[0.001, 0], [1, 3], [Infinity, 4]]) });
      expect(metrics.histogram('gochan_task_queue_wait_seconds')).toEqual({ count: 3, sum: 0.25, buckets: new Map([[0.001, 1], [1, 3], [Infinity, 3]]) });
      expect(telemetry.totals()).toEqual({ completed: 5, failed: 2, retried: 1, dead: 1 });
      pool.completed = 6;
      metrics = new Scrape(await telemetry.registry.metrics());
      expect(metrics.value('gochan_tasks_completed_total')).toBe(6);
      expect(telemetry.current()).toMatchObject({ completed: 6, failed: 2 });
      expect(log.lines.map(([, message]) => message)).toEqual(['Worker 1 processing task ID x', 'Worker 1 finished task ID x']);
    } finally {
      telemetry.stop();
    }
  });
});
