// Programs that end normally, run with the watcher on (a preload that calls
// watchDeadlocks() before the program starts): the first article's program,
// both HTTP servers through a SIGTERM shutdown, and a channel benchmark run.
// None may print a deadlock report or change its exit status.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildPackage } from '../../../tests/support/child.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'gochan-watch-'));
const preload = join(work, 'watch.mjs');

beforeAll(() => {
  buildPackage('testing');
  for (const example of ['production-pattern', 'http-server', 'http-server-pool']) {
    const built = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b', `${root}examples/${example}`], { encoding: 'utf8', timeout: 180_000 });
    if (built.status !== 0) throw new Error(`tsc -b examples/${example} failed\n${built.stdout}${built.stderr}`);
  }
  // The watcher, loaded before the program: the same built @gochan/channel
  // module as the program's (pnpm links resolve to one real path).
  writeFileSync(preload, `import { watchDeadlocks } from ${JSON.stringify(`${root}packages/testing/dist/index.js`)};\nwatchDeadlocks();\n`);
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs a Node program to its end with the watcher preloaded. */
function watched(args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const ran = spawnSync(process.execPath, ['--import', preload, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, GOCHAN_DEADLOCK: '', ...env } });
  if (ran.error) throw ran.error;
  return { status: ran.status, stdout: ran.stdout, stderr: ran.stderr };
}

describe('programs that end normally print no report', () => {
  test('the preload does watch: a deadlocked program under it is reported (so silence below means something)', () => {
    const ran = watched([`${root}packages/testing/test-programs/recv-nobody-sends.mjs`], {});
    expect(ran.stderr).toMatch(/^fatal error: all goroutines are asleep - deadlock!/);
    expect(ran.status).toBe(2);
  });

  test("the first article's program: workers, jobs with deadlines, a bounded shutdown", () => {
    const ran = watched([`${root}examples/production-pattern/dist/main.js`], { JOB_MS: '20' });
    expect(ran.stderr).toBe('');
    expect(ran.status).toBe(0);
    expect(ran.stdout.trim().split('\n').at(-1)).toBe('Shutdown complete');
  });

  test('a channel benchmark run', () => {
    const ran = watched([`${root}bench/channel/child.mjs`, 'gochan', 'fan-in'], {});
    expect(ran.stderr).toBe('');
    expect(ran.status).toBe(0);
  });

  test.each([
    ['http-server', {}],
    ['http-server-pool', { STORE: 'memory' }],
  ])("the HTTP server (%s): tasks, then SIGTERM's graceful shutdown", async (example, env) => {
    const child = spawn(process.execPath, ['--import', preload, `${root}examples/${example}/dist/main.js`], {
      env: { ...process.env, GOCHAN_DEADLOCK: '', PORT: '0', WORKERS: '2', TASK_MS: '30', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const match = /Server running on :(\d+)/.exec(stdout);
        if (match) resolve(match[1] as string);
      });
      child.on('close', () => reject(new Error(`exited before listening\n${stdout}\n${stderr}`)));
    });
    for (const id of ['1', '2', '3']) expect((await fetch(`http://127.0.0.1:${port}/task/${id}`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).not.toContain('fatal error');
    expect(stdout.trim().split('\n').at(-1)).toBe('Shutdown complete');
  });
});
