// A store on a disk that fills up: a tmpfs of its own (Linux, as root, or
// where mount is allowed), filled with a file, then freed. Every add is
// answered 'added' (and is in the file) or StoreUnavailableError 'full'
// (and is not); none is lost, none is answered otherwise.
import { StoreUnavailableError } from '@gochan/pool';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.js';

/** A 4 MiB tmpfs mounted for this file's tests, or why there is none. */
const disk: { dir: string } | { missing: string } = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'gochan-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const why = String((error as { stderr?: Buffer }).stderr ?? error).trim();
    const lines = ['THE FULL-DISK TEST DID NOT RUN.', `It mounts a small tmpfs, and mount failed: ${why.slice(0, 120)}`, 'Run it as root (or in a container that may mount).'];
    console.error(['', ...lines.map((line) => `!!! ${line}`), ''].join('\n'));
    if (process.env.CI && process.env.CI !== 'false' && process.env.GOCHAN_SKIP_MOUNT !== '1') {
      throw new Error('The full-disk test must run under CI (it needs mount; set GOCHAN_SKIP_MOUNT=1 where CI cannot mount)');
    }
    return { missing: why };
  }
})();

afterAll(() => {
  if ('dir' in disk) {
    execFileSync('umount', [disk.dir]);
    rmSync(disk.dir, { recursive: true, force: true });
  }
});

describe.runIf('dir' in disk)('SqliteStore on a full disk', () => {
  it('answers each add added (stored) or StoreUnavailableError full (not stored, nothing of its batch), and takes adds again once there is room', async () => {
    const { dir } = disk as { dir: string };
    const path = join(dir, 'tasks.db');
    const filler = join(dir, 'filler');
    const payload = JSON.stringify('x'.repeat(2_000));
    const answers = new Map<string, 'added' | 'full' | 'other'>();
    {
      await using store = new SqliteStore(path);
      // Fill the disk but for a little room, then add in batches of 20 until the adds are refused.
      writeFileSync(filler, Buffer.alloc(3 * 1024 * 1024));
      let refusedBatches = 0;
      for (let batch = 0; batch < 200 && refusedBatches < 3; batch++) {
        const ids = Array.from({ length: 20 }, (_, i) => `b${batch}-${i}`);
        const results = await Promise.allSettled(ids.map((id) => store.add({ id, payload, deadline: undefined })));
        let refused = false;
        results.forEach((result, i) => {
          if (result.status === 'fulfilled' && result.value === 'added') answers.set(ids[i]!, 'added');
          else if (result.status === 'rejected' && result.reason instanceof StoreUnavailableError && result.reason.reason === 'full' && result.reason.stored === false) {
            answers.set(ids[i]!, 'full');
            refused = true;
          } else answers.set(ids[i]!, 'other');
        });
        if (refused) refusedBatches++;
      }
      const full = [...answers.values()].filter((a) => a === 'full').length;
      expect(full).toBeGreaterThan(0);
      expect([...answers.values()].filter((a) => a === 'other')).toEqual([]);
      // Room again: the same store takes adds, and a refused id can be submitted anew.
      unlinkSync(filler);
      const retried = [...answers].find(([, a]) => a === 'full')![0];
      expect(await store.add({ id: retried, payload, deadline: undefined })).toBe('added');
      answers.set(retried, 'added');
    }
    // What the file holds is exactly what was answered 'added'.
    await using reopened = new SqliteStore(path);
    const stored = new Set<string>();
    for (;;) {
      const claimed = await reopened.claim(500, AbortSignal.timeout(1_000)).catch(() => []);
      if (claimed.length === 0) break;
      for (const job of claimed) stored.add(job.id);
    }
    const added = [...answers].filter(([, a]) => a === 'added').map(([id]) => id);
    expect([...stored].sort()).toEqual(added.sort());
  }, 60_000);
});
