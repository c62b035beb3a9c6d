// Real child processes on one store file: sharing a queue, and killed with SIGKILL mid-work.
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.js';
import { Database, buildPackage, startChild, tempDir } from './test-helpers.js';

const temp = tempDir();
let files = 0;
const fresh = (): string => join(temp.dir, `store-${++files}.db`);

beforeAll(() => buildPackage(), 120_000);
afterAll(() => temp.remove());

/** Ids of the lines `<verb> <id>`. */
const idsOf = (lines: readonly string[], verb: string): string[] => lines.filter((l) => l.startsWith(`${verb} `)).map((l) => l.slice(verb.length + 1));

describe('SqliteStore across processes', () => {
  it('three processes claiming from one file never claim the same job', async () => {
    const path = fresh();
    await using store = new SqliteStore(path, { pollMs: 20 });
    const children = Array.from({ length: 3 }, () => startChild('test-child-store.mjs', [path, 'claim', '20']));
    await Promise.all(children.map((child) => child.line((l) => l === 'ready')));
    const total = 900;
    for (let i = 0; i < total; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, k) => store.add({ id: `m${i + k}`, payload: '0', deadline: undefined })));
    }
    while (store.counts().completed < total) await store.changed(AbortSignal.timeout(20_000));
    for (const child of children) child.process.kill('SIGTERM');
    expect(await Promise.all(children.map((child) => child.exited))).toEqual([0, 0, 0]);
    const claimed = children.flatMap((child) => idsOf(child.lines, 'claimed'));
    expect(claimed).toHaveLength(total);
    expect(new Set(claimed).size).toBe(total);
    expect(store.counts()).toMatchObject({ waiting: 0, running: 0, completed: total });
  });

  it('kill -9 mid-adds and mid-commits: every resolved add is kept or completed, a completed job never comes back, nothing is invented', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          batches: fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 1, maxLength: 5 }),
          payloadBytes: fc.integer({ min: 1, max: 4_000 }),
          completeOutOf10: fc.integer({ min: 0, max: 8 }),
          synchronous: fc.constantFrom('full', 'normal'),
          killAfterMs: fc.integer({ min: 0, max: 400 }),
        }),
        async ({ killAfterMs, ...plan }) => {
          const path = fresh();
          const child = startChild('test-child-store.mjs', [path, 'crash', JSON.stringify(plan)]);
          await child.line((l) => l === 'ready');
          await new Promise((resolve) => setTimeout(resolve, killAfterMs));
          child.process.kill('SIGKILL');
          expect(await child.exited).toBe('SIGKILL');

          const attempted = new Set(idsOf(child.lines, 'adding'));
          const added = idsOf(child.lines, 'added');
          const completing = new Set(idsOf(child.lines, 'completing'));
          const completed = idsOf(child.lines, 'completed');
          const failed = idsOf(child.lines, 'failed');

          // Reopening runs SQLite's recovery of the WAL and the store's checks.
          const store = new SqliteStore(path);
          const counts = store.counts();
          await store.close();
          const db = new Database(path, { readonly: true });
          const rows = db.prepare('SELECT id, state FROM gochan_jobs').all() as { id: string; state: number }[];
          db.close();
          const live = new Map(rows.map((row) => [row.id, row.state]));

          for (const id of added) if (!live.has(id)) expect(completing, `resolved add ${id} is neither kept nor completed`).toContain(id);
          for (const id of completed) expect(live.has(id), `completed ${id} came back`).toBe(false);
          for (const id of failed) expect(live.get(id), `failed ${id} is not waiting for its retry`).toBe(0);
          for (const id of live.keys()) expect(attempted, `invented job ${id}`).toContain(id);
          // The counts row moved in the same transactions as the jobs.
          const inState = (state: number) => rows.filter((row) => row.state === state).length;
          expect(counts).toMatchObject({ waiting: inState(0), running: inState(1), dead: inState(2) });
          expect(counts.completed).toBe([...attempted].filter((id) => !live.has(id) && completing.has(id)).length);
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);

  it('a read-only folder: a clear error, and nothing made there', () => {
    // Root writes anywhere a mode forbids, so as root the folder is made immutable (chattr +i, which binds
    // root too); as anyone else, read-only by its mode. A machine where neither can be done fails here, loudly.
    const folder = join(temp.dir, 'read-only');
    mkdirSync(folder);
    const root = process.getuid?.() === 0;
    const lock = (on: boolean): void => {
      if (!root) return chmodSync(folder, on ? 0o555 : 0o755);
      const done = spawnSync('chattr', [on ? '+i' : '-i', folder], { encoding: 'utf8' });
      if (done.status !== 0) throw new Error(`cannot make ${folder} read-only for root (chattr: ${done.error?.message ?? done.stderr.trim()})`);
    };
    lock(true);
    try {
      expect(() => new SqliteStore(join(folder, 'jobs.db'))).toThrow(/^Cannot open the store .*jobs\.db: .*\(can this process read and write its folder\?\)$/);
      expect(readdirSync(folder)).toEqual([]);
    } finally {
      lock(false);
    }
  });

});
