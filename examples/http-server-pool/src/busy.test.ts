import { afterEach, expect, test, vi } from 'vitest';
import type { App } from '@gochan/example-http-server/server';
import { createApp } from './app.js';

// With TASK_KIND=cpu the tasks compute on threads, so the server's own
// thread stays free: /stats and /metrics answer while every thread is busy.
// How fast is printed, not asserted (a loaded machine can make any bound
// fail); bench/threads/event-loop.mjs measures the event loop's delay.

const apps: App[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.shutdown(0);
  vi.restoreAllMocks();
});

test('while every thread computes a task, GET /stats and GET /metrics answer, and show the tasks running', async () => {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
  const app = await createApp({ workers: 2, threads: 2, queueSize: 10, taskMs: 600_000, taskKind: 'cpu' });
  apps.push(app);
  const base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  for (const id of ['a', 'b', 'c']) expect((await fetch(`${base}/task/${id}`)).status).toBe(200);
  for (let i = 0; i < 1_000 && app.pool.stats().active < 2; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(app.pool.stats()).toMatchObject({ active: 2, queued: 1 });
  await new Promise((resolve) => setTimeout(resolve, 50)); // the threads are well into their tasks

  const timings: string[] = [];
  for (const path of ['/stats', '/metrics', '/stats', '/metrics']) {
    const start = performance.now();
    const response = await fetch(`${base}${path}`);
    const body = await response.text();
    timings.push(`${path} ${(performance.now() - start).toFixed(1)} ms`);
    expect(response.status).toBe(200);
    if (path === '/stats') expect(JSON.parse(body)).toMatchObject({ active: 2, queued: 1 });
    else expect(body).toMatch(/^gochan_workers_busy 2$/m);
  }
  console.info(`while 2 of 2 threads computed: ${timings.join(', ')}`);
  expect(lines.filter((line) => line.includes('processing')).length).toBe(2);
});
