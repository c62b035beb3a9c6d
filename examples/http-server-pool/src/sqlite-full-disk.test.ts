import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { linesByTask, Program } from '../../http-server/src/test-program.js';

// The SQLite file on a disk that fills up: a tmpfs of its own, mounted in a
// mount namespace of the server's own (unshare: no root needed where user
// namespaces are allowed, and the mount goes with the process). A filler
// file takes most of it; the server's writes take the rest, and SQLite says
// SQLITE_FULL. Submits then get 503 with Retry-After and the reason, and
// their tasks never run; once the filler is deleted (through the server's
// /proc/<pid>/root), submits are taken again.

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const DISK_KB = 1024;
const FILLER_KB = 800;

/** Whether this machine lets us mount a tmpfs in a namespace of our own. */
const canMount = ((): boolean => {
  const dir = mkdtempSync(join(tmpdir(), 'gochan-full-'));
  try {
    return spawnSync('unshare', ['--mount', '--map-root-user', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs "$0"', dir]).status === 0;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();
if (!canMount) {
  console.error('\n!!! THE FULL-DISK TEST DID NOT RUN: `unshare --mount --map-root-user` cannot mount a tmpfs here (user namespaces off?) !!!\n');
}

const programs: Program[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const program of programs.splice(0)) {
    program.kill('SIGKILL');
    await program.exit();
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe.runIf(canMount)('http-server-pool on a SQLite file whose disk is full', () => {
  test('submits get 503 with Retry-After and "database or disk is full", never run, and are taken again once there is room', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gochan-full-'));
    dirs.push(dir);
    const script = `mount -t tmpfs -o size=${DISK_KB}k tmpfs "$1" && dd if=/dev/zero of="$1/filler" bs=1k count=${FILLER_KB} 2>/dev/null; shift; exec "$@"`;
    const program = new Program(main, { PORT: '0', STORE: `sqlite:${dir}/tasks.db`, TASK_MS: '0', WORKERS: '1' }, [
      'unshare', '--mount', '--map-root-user', 'sh', '-c', script, 'sh', dir,
    ]);
    programs.push(program);
    const base = await program.started();
    const get = async (id: string): Promise<{ id: string; status: number; retryAfter: string | null; body: string }> => {
      const response = await fetch(`${base}/task/${id}`);
      return { id, status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() };
    };
    // Long ids fill the disk sooner; each is one commit.
    const pad = 'x'.repeat(100);
    const answers: Awaited<ReturnType<typeof get>>[] = [];
    for (let i = 0; i < 2_000 && !answers.some((answer) => answer.status !== 200); i++) answers.push(await get(`t${i}-${pad}`));
    const refused = answers.at(-1)!;
    expect(refused.status, refused.body).toBe(503);
    expect(refused.retryAfter).toMatch(/^\d+$/);
    expect(refused.body).toMatch(/^Task ID t\d+-x+ not added: the task store is unavailable \(.*(disk is full|disk I\/O error).*\)/);
    // More submits while full: the same answer, never a 500.
    const more = await Promise.all([1, 2, 3].map((i) => get(`full${i}`)));
    expect(more.map((answer) => answer.status)).toEqual([503, 503, 503]);
    expect(program.stderr.some((line) => line.startsWith('Store unavailable: answered 503 to '))).toBe(true);

    // Room again: the filler goes, seen through the server's own mount namespace.
    unlinkSync(`/proc/${program.pid}/root${dir}/filler`);
    let back = await get('back');
    for (let attempt = 0; attempt < 50 && back.status !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      back = await get('back');
    }
    expect(back.status, back.body).toBe(200);
    await program.waitFor(/finished task ID back$/);
    const runs = linesByTask(program.stdout);
    for (const answer of [refused, ...more]) expect(runs.get(answer.id), answer.id).toBeUndefined();
    console.log(`sqlite-full-disk: ${answers.length - 1} task(s) stored before the disk was full; then ${1 + more.length} answered 503: ${refused.body.trim()}; ${program.stderr.length} stderr line(s)`);
  }, 60_000);
});
