import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { fixture } from './test-fixtures.js';

/** Runs `body` as the main module of a fresh Node process (no deadlock watcher), with `go` imported. */
function run(body: string): { stdout: string; stderr: string; status: number | null } {
  const program = `import { go } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};\n${body}`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8', timeout: 60_000 });
  return { stdout: child.stdout, stderr: child.stderr, status: child.status };
}

// Without a deadlock watcher a thread is kept up while goroutines are placed
// on it, and, after they have returned, while it is home to channels other
// threads hold and its event loop has not emptied (liveness.ts).
describe('a thread\'s liveness without a deadlock watcher', () => {
  test('a value a thread\'s timer sends after its goroutine returned reaches the main thread that waits for it', () => {
    const child = run(`const ch = await go(new URL(${JSON.stringify(fixture('send-later').href)}), 300, 'late');
      console.log((await ch.recv())[0]);`);
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('late');
    expect(child.status).toBe(0);
  });

  test('a thread home to a channel the main thread holds, with nothing left to run, does not keep the process up', () => {
    const child = run(`const ch = await go(new URL(${JSON.stringify(fixture('make-channel').href)}));
      console.log(typeof ch.recv);`);
    expect(child.stdout.trim()).toBe('function');
    expect(child.status).toBe(0);
  });

  test('the main thread waiting on such a channel for ever ends as any unsettled await does (status 13), not hanging', () => {
    const child = run(`const ch = await go(new URL(${JSON.stringify(fixture('make-channel').href)}));
      await ch.recv();
      console.log('received');`);
    expect(child.stdout).toBe('');
    expect(child.status).toBe(13);
  });
});
