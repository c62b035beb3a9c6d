import { readFileSync, readdirSync } from 'node:fs';
import { afterEach, expect, test, vi } from 'vitest';
import type { App } from '@gochan/example-http-server/server';
import { createApp } from './app.js';

// THREAD_NICE, in a file of its own: niceness applies to threads started
// from then on, so this test needs a process whose pool of threads has none
// yet (another test's threads would take its task at their own niceness).

const apps: App[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.shutdown(0);
  vi.restoreAllMocks();
});

/** The niceness in a thread's /proc stat: field 19, counted after the command's name (in parentheses, which may hold spaces). */
function niceOf(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/** The niceness of each of this process's threads. */
const everyThread = (): number[] => readdirSync('/proc/self/task').map((tid) => niceOf(`/proc/self/task/${tid}/stat`));

test.runIf(process.platform === 'linux')('THREAD_NICE: the threads that compute the tasks run that much nicer than the server’s thread, which keeps its own', async () => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
  const own = niceOf('/proc/thread-self/stat');
  const nicer = Math.min(19, own + 5);
  const at = (list: number[]): number => list.filter((n) => n === nicer).length;
  const before = at(everyThread());
  const app = await createApp({ workers: 1, threads: 1, threadNice: 5, queueSize: 10, taskMs: 600_000, taskKind: 'cpu' });
  apps.push(app);
  const base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  expect((await fetch(`${base}/task/nice`)).status).toBe(200);
  for (let i = 0; i < 1_000 && app.pool.stats().active < 1; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(app.pool.stats().active).toBe(1);
  // The thread starts, then makes itself nicer, as the task goes to it: wait for it (5 s at most).
  for (let i = 0; i < 1_000 && at(everyThread()) === before; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  // One thread more at the new niceness (the pool's one thread); the server's keeps its own.
  expect(at(everyThread()) - before).toBe(1);
  expect(niceOf('/proc/thread-self/stat')).toBe(own);
});
