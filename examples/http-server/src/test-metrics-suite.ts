// Test helper (not built): `GET /metrics` while tasks flow, checked against
// what was sent, on an app listening on a free port. Both server examples
// run this same suite.
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { AppFactory, TestableApp } from './test-app-suite.js';
import { scrape } from './test-metrics.js';

/** waitUntil polls `condition` every few milliseconds, up to 10 s. */
async function waitUntil(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting until ${what}`);
}

export function describeMetrics(name: string, createApp: AppFactory): void {
  describe(name, () => {
    const apps: TestableApp[] = [];

    async function start(options: { workers: number; queueSize: number; taskMs: number }): Promise<string> {
      vi.spyOn(console, 'log').mockImplementation(() => {});
      const app = await createApp(options);
      apps.push(app);
      return `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
    }

    afterEach(async () => {
      for (const app of apps.splice(0)) await app.shutdown(0);
      vi.restoreAllMocks();
    });

    test('while the queue is full: the depth, the busy workers, the requests held by backpressure and how long the oldest has waited', async () => {
      const base = await start({ workers: 2, queueSize: 3, taskMs: 600_000 });
      // 2 run, 3 wait in the queue, 4 requests wait for room.
      const answers = Array.from({ length: 9 }, (_, i) => fetch(`${base}/task/t${i}`).catch(() => undefined));
      await waitUntil(async () => (await scrape(base)).value('gochan_requests_waiting') === 4, 'four requests wait');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const metrics = await scrape(base);
      expect(metrics.value('gochan_queue_depth')).toBe(3);
      expect(metrics.value('gochan_workers')).toBe(2);
      expect(metrics.value('gochan_workers_busy')).toBe(2);
      expect(metrics.value('gochan_requests_waiting')).toBe(4);
      expect(metrics.value('gochan_requests_waiting_oldest_seconds')).toBeGreaterThanOrEqual(0.04);
      expect(metrics.value('gochan_tasks_submitted_total')).toBe(5);
      expect(metrics.value('gochan_tasks_completed_total')).toBe(0);
      // The two running have started: their queue wait is measured; nothing has run to its end.
      expect(metrics.histogram('gochan_task_queue_wait_seconds').count).toBe(2);
      expect(metrics.histogram('gochan_task_run_seconds').count).toBe(0);
      expect(metrics.family('gochan_requests_waiting').type).toBe('GAUGE');
      expect(metrics.family('gochan_tasks_completed_total').type).toBe('COUNTER');
      // The process's own, for the file-descriptor limit the connection limit guards.
      expect(metrics.value('process_open_fds')).toBeGreaterThan(0);
      void answers;
    });

    test('as tasks flow: every count matches what was sent, and the histograms count every task once', async () => {
      const base = await start({ workers: 3, queueSize: 4, taskMs: 20 });
      const sent = 30;
      const seen: number[] = [];
      // Scrape all along while the tasks go in, more than the queue holds (some wait on backpressure).
      let flowing = true;
      const scraper = (async () => {
        while (flowing) {
          const metrics = await scrape(base);
          const completed = metrics.value('gochan_tasks_completed_total');
          // Never more done than accepted, never more busy than workers, and the counters only grow.
          expect(completed).toBeLessThanOrEqual(metrics.value('gochan_tasks_submitted_total'));
          expect(metrics.value('gochan_workers_busy')).toBeLessThanOrEqual(3);
          expect(completed).toBeGreaterThanOrEqual(seen.at(-1) ?? 0);
          seen.push(completed);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();
      const answers = await Promise.all(Array.from({ length: sent }, (_, i) => fetch(`${base}/task/f${i}`).then((response) => response.status)));
      expect(answers).toEqual(Array(sent).fill(200));
      await waitUntil(async () => (await scrape(base)).value('gochan_tasks_completed_total') === sent, 'every task is done');
      flowing = false;
      await scraper;
      // The scraper saw the count move along the way, not only at the end.
      expect(new Set(seen).size).toBeGreaterThan(1);

      const metrics = await scrape(base);
      expect(metrics.value('gochan_tasks_submitted_total')).toBe(sent);
      expect(metrics.value('gochan_tasks_completed_total')).toBe(sent);
      expect(metrics.value('gochan_tasks_failed_total')).toBe(0);
      expect(metrics.value('gochan_queue_depth')).toBe(0);
      expect(metrics.value('gochan_workers_busy')).toBe(0);
      expect(metrics.value('gochan_requests_waiting')).toBe(0);
      const run = metrics.histogram('gochan_task_run_seconds');
      expect(run.count).toBe(sent);
      // Each task sleeps 20 ms: the sum is at least 30 × 20 ms (timers never fire early by more than a millisecond).
      expect(run.sum).toBeGreaterThanOrEqual(sent * 0.019);
      expect(run.buckets.get(0.01)).toBe(0);
      expect(run.buckets.get(Infinity)).toBe(sent);
      const wait = metrics.histogram('gochan_task_queue_wait_seconds');
      expect(wait.count).toBe(sent);
      // How long each waited depends on how fast the requests came: only the shape is certain.
      expect(wait.sum).toBeGreaterThanOrEqual(0);
      expect(wait.buckets.get(Infinity)).toBe(sent);
      // Cumulative: by upper bound, the counts never go down.
      const counts = [...wait.buckets].sort(([a], [b]) => a - b).map(([, count]) => count);
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      expect(metrics.histogram('gochan_backpressure_wait_seconds').count).toBe(sent);
    });
  });
}
