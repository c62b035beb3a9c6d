// Arbitrary rows written straight into a store file by another connection
// (another program, an older version: any value the STRICT columns take)
// while a pool on SqliteStore runs: the process never crashes, every valid
// job runs once, every invalid one is dead with its reason.
import { WorkerPool, type Job } from '@gochan/pool';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { SqliteStore } from './sqlite-store.js';
import { sleep, tempDir } from './test-helpers.js';

const temp = tempDir();
afterAll(() => temp.remove());

const row = fc.record({
  id: fc.constantFrom('good', 'good', 'good', '', 'long'),
  payload: fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'), fc.string(), fc.constant('')),
  deadline: fc.oneof(
    fc.constant(null),
    fc.integer({ min: 60_000, max: 3_600_000 }).map((ms) => BigInt(Date.now() + ms)),
    fc.integer({ min: 0, max: 1_700_000_000_000 }).map(BigInt),
    fc.constantFrom(9_000_000_000_000_000_000n, -9_000_000_000_000_000_000n, 2n ** 53n + 1n, 8_640_000_000_000_001n),
  ),
  failures: fc.oneof(fc.integer({ min: 0, max: 5 }).map(BigInt), fc.constantFrom(-1n, -5n, 2n ** 62n, 2n ** 53n)),
  crashes: fc.oneof(fc.integer({ min: 0, max: 3 }).map(BigInt), fc.constantFrom(-1n, 2n ** 62n)),
});
type Row = typeof row extends fc.Arbitrary<infer T> ? T : never;

/** What should become of a row: it runs, it is dead as past its deadline, or it is invalid. */
function fate(r: Row): 'runs' | 'expired' | 'invalid' {
  if (r.id !== 'good') return 'invalid';
  if (r.payload !== '') {
    try {
      JSON.parse(r.payload);
    } catch {
      return 'invalid';
    }
  }
  // attempt = failures + 1 must be a positive safe integer.
  if (r.failures < 0n || r.failures + 1n > BigInt(Number.MAX_SAFE_INTEGER)) return 'invalid';
  if (r.deadline !== null) {
    if (r.deadline > 8_640_000_000_000_000n || r.deadline < -8_640_000_000_000_000n) return 'invalid';
    if (Number(r.deadline) <= Date.now() + 5_000) return 'expired';
  }
  return 'runs';
}

describe('SqliteStore: raw rows from any writer, fed to a running pool', () => {
  it('never crashes; every valid job runs once; every invalid one is dead with its reason', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    let files = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 25 }), async (rows) => {
          const path = join(temp.dir, `raw-${++files}.db`);
          const store = new SqliteStore(path, { synchronous: 'normal', pollMs: 10 });
          const ran = new Map<string, number>();
          const pool = new WorkerPool<unknown>({ workers: 3, store, handler: async (job: Job<unknown>) => void ran.set(job.id, (ran.get(job.id) ?? 0) + 1), onError: () => {} });
          try {
            // Unique ids (the live index allows one row per id): good ones e<i>, bad ones '' once, then too long ones.
            const firstEmpty = rows.findIndex((r) => r.id === '');
            const ids = rows.map((r, i) => (r.id === 'good' ? `e${i}` : r.id === '' && i === firstEmpty ? '' : 'x'.repeat(1_025 + i)));
            const other = new Database(path);
            const insert = other.prepare('INSERT INTO gochan_jobs (queue, id, payload, deadline, state, due, failures, crashes) VALUES (?, ?, ?, ?, 0, 0, ?, ?)');
            other.transaction(() => {
              rows.forEach((r, i) => insert.run('tasks', ids[i], r.payload, r.deadline, r.failures, r.crashes));
              other.prepare("UPDATE gochan_counts SET waiting = waiting + ? WHERE queue = 'tasks'").run(rows.length);
            })();
            other.close();
            const fates = rows.map(fate);
            const count = (f: string): number => fates.filter((x) => x === f).length;
            const total = (): number => [...ran.values()].reduce((a, b) => a + b, 0);
            for (let i = 0; i < 200 && total() + store.deadJobs().length < rows.length; i++) await sleep(25);
            await sleep(50);
            const dead = store.deadJobs();
            for (let i = 0; i < rows.length; i++) if (fates[i] === 'runs') expect(ran.get(ids[i]!), `row ${i}`).toBe(1);
            expect(total()).toBe(count('runs'));
            const invalid = dead.filter((d) => /^(the stored job is not valid: |its payload cannot be decoded: )/.test(d.error));
            expect(invalid.length, JSON.stringify(dead.map((d) => d.error))).toBe(count('invalid'));
            expect(dead.length).toBe(count('invalid') + count('expired'));
            expect(pool.stats().store!.invalidJobs).toBe(count('invalid'));
          } finally {
            await pool.shutdown();
            await store.close();
          }
        }),
        { numRuns: 40 },
      );
    } finally {
      errors.mockRestore();
    }
  }, 120_000);
});
