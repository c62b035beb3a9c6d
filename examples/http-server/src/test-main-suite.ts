// Test helper (not built): the built program end to end, as `pnpm start`
// runs it, with short tasks. Both server examples run this same suite.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { linesByTask, Program } from './test-program.js';

/**
 * describeMain runs the suite on the program `main`, with `env` added to
 * every run (the pool version runs it with STORE=memory: the article's
 * queue, which a shutdown drains).
 */
export function describeMain(name: string, main: string, env: Record<string, string> = {}): void {
  describe(name, () => {
    const run = (more: Record<string, string>): Program => new Program(main, { PORT: '0', ...env, ...more });

    test.each(['SIGINT', 'SIGTERM'] as const)('on %s it finishes the queued tasks, prints Shutdown complete last and exits 0', async (signal) => {
      const program = run({ WORKERS: '2', TASK_MS: '300' });
      const base = await program.started();
      const ids = ['1', '2', '3', '4', '5'];
      for (const id of ids) {
        const response = await fetch(`${base}/task/${id}`);
        expect(await response.text()).toBe(`Task ID ${id} added\n`);
      }
      program.kill(signal);
      expect(await program.exit()).toBe(0);
      expect(program.stderr).toEqual([
        expect.stringMatching(new RegExp(`^${signal}: shutting down; finishing [0-2] running and [0-3] queued task\\(s\\), for at most 30000 ms$`)),
      ]);
      expect(program.stdout[0]).toMatch(/^Server running on :\d+$/);
      expect(program.stdout.at(-1)).toBe('Shutdown complete');
      const byTask = linesByTask(program.stdout);
      expect([...byTask.keys()].sort()).toEqual(ids);
      for (const [id, lines] of byTask) {
        const worker = /^processing by ([12])$/.exec(lines[0]!)?.[1];
        expect(lines, `task ${id}`).toEqual([`processing by ${worker}`, `finished by ${worker}`]);
      }
    });

    test('a second signal during the shutdown does not cut it short', async () => {
      const program = run({ WORKERS: '1', TASK_MS: '500' });
      const base = await program.started();
      expect((await fetch(`${base}/task/a`)).status).toBe(200);
      expect((await fetch(`${base}/task/b`)).status).toBe(200);
      program.kill('SIGINT');
      await program.waitFor(/^Worker 1 processing task ID a$/);
      program.kill('SIGINT');
      program.kill('SIGTERM');
      expect(await program.exit()).toBe(0);
      expect(program.stderr).toHaveLength(1);
      expect(program.stdout.slice(-3)).toEqual(['Worker 1 processing task ID b', 'Worker 1 finished task ID b', 'Shutdown complete']);
    });

    test('past SHUTDOWN_TIMEOUT_MS it cancels the tasks left, names them, and exits 1', async () => {
      // CANCEL_GRACE_MS (the pool version's): a task on a thread
      // (TASK_KIND=cpu) looks at its context between 5 ms slices of work, and
      // on a loaded machine its thread may not get a core within the pool's
      // default grace (100 ms), past which the pool would end that thread and
      // say so on stderr. Ten seconds is time enough on any machine; the
      // article's version has no grace and waits for its workers.
      const program = run({ WORKERS: '1', TASK_MS: '600000', SHUTDOWN_TIMEOUT_MS: '200', CANCEL_GRACE_MS: '10000' });
      const base = await program.started();
      for (const id of ['slow', 'queued']) {
        expect((await fetch(`${base}/task/${id}`)).status).toBe(200);
      }
      await program.waitFor(/^Worker 1 processing task ID slow$/);
      program.kill('SIGTERM');
      expect(await program.exit()).toBe(1);
      expect(program.stdout).not.toContain('Shutdown complete');
      expect(program.stdout).toContain('Worker 1 cancelled task ID slow: context canceled');
      expect(program.stderr).toEqual([
        'SIGTERM: shutting down; finishing 1 running and 1 queued task(s), for at most 200 ms',
        'Shutdown timed out after 200 ms; cut off 1 running task(s): slow; 1 never started: queued',
      ]);
    });

    const dir = mkdtempSync(join(tmpdir(), 'gochan-main-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    test('once Shutdown complete is printed the program exits, even with a handle left open (as a Go program ends when main returns)', async () => {
      // A stand-in for whatever a library may leave holding the event loop: a timer of ten minutes.
      const linger = join(dir, 'linger.cjs');
      writeFileSync(linger, 'setTimeout(() => {}, 600_000);\n');
      const program = run({ WORKERS: '1', TASK_MS: '50', NODE_OPTIONS: `--require ${linger}` });
      const base = await program.started();
      expect((await fetch(`${base}/task/a`)).status).toBe(200);
      program.kill('SIGTERM');
      // Without the exit the program would wait the ten minutes, and exit() would kill it (null).
      expect(await program.exit()).toBe(0);
      expect(program.stdout.at(-1)).toBe('Shutdown complete');
    });

    test("PID_FILE holds the server's own process id while it runs, and is removed by a clean exit", async () => {
      const pidFile = join(dir, 'run', 'server.pid');
      const program = run({ PID_FILE: pidFile });
      await program.started();
      expect(readFileSync(pidFile, 'utf8')).toBe(`${program.pid}\n`);
      program.kill('SIGTERM');
      expect(await program.exit()).toBe(0);
      expect(existsSync(pidFile)).toBe(false);
    });

    test('an invalid setting is named and the program exits 2 before listening', async () => {
      const program = run({ WORKERS: '0' });
      expect(await program.exit()).toBe(2);
      expect(program.stderr).toEqual(['Expected `WORKERS` to be an integer of at least 1, got "0"']);
    });

    test('a THREAD_NICE past 19 is named, with the range, and the program exits 2 before listening', async () => {
      const program = run({ THREAD_NICE: '20' });
      expect(await program.exit()).toBe(2);
      expect(program.stderr).toEqual(['Expected `THREAD_NICE` to be an integer from 0 to 19, got "20"']);
    });

    test('a CANCEL_GRACE_MS that is not a whole number of milliseconds up to a day is named, with the range, and the program exits 2 before listening', async () => {
      for (const value of ['-1', '1.5', '86400001']) {
        const program = run({ CANCEL_GRACE_MS: value });
        expect(await program.exit()).toBe(2);
        expect(program.stderr).toEqual([`Expected \`CANCEL_GRACE_MS\` to be an integer from 0 to 86400000, got "${value}"`]);
      }
    });
  });
}
