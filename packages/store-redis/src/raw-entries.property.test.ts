// Arbitrary raw entries written straight into a queue's stream (as another
// program, or an older version, could: any field missing, any value) while
// a pool on RedisStore runs: the process never crashes, every valid job runs
// once, every invalid one is dead with its reason.
import { WorkerPool, type Job } from '@gochan/pool';
import { createClient } from '@redis/client';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisStore } from './redis-store.js';
import { redisKeys } from './scripts.js';
import { hasRedis, sleep, startRedis, type RedisServer } from './test-helpers.js';

/** A field of an entry: left out, or a value of one of the kinds a writer could leave. */
const maybe = (value: fc.Arbitrary<string>) => fc.option(value, { nil: undefined, freq: 4 });
const number = (n: fc.Arbitrary<number>) => n.map(String);
const entry = fc.record({
  id: fc.option(fc.constantFrom('good', 'good', 'good', '', 'long'), { nil: undefined, freq: 8 }),
  payload: maybe(fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'), fc.string(), fc.constant(''))),
  deadline: maybe(
    fc.oneof(
      fc.constant(''),
      number(fc.integer({ min: 60_000, max: 3_600_000 }).map((ms) => Date.now() + ms)),
      number(fc.integer({ min: 0, max: 1_700_000_000_000 })),
      fc.constantFrom('soon', 'NaN', 'Infinity', '1e3', ' 5', '0x10', '9e15', '-9e15'),
      fc.string(),
    ),
  ),
  failures: maybe(fc.oneof(number(fc.integer({ min: 0, max: 5 })), fc.constantFrom('-1', '1.5', 'x', '', '2e0'), fc.string())),
  crashes: maybe(fc.oneof(number(fc.integer({ min: 0, max: 3 })), fc.string())),
  extra: maybe(fc.string()),
});
type Entry = typeof entry extends fc.Arbitrary<infer T> ? T : never;

/** A number as the store writes one, independently of its decoder: String(Number(text)) === text. */
const canonical = (text: string): number | undefined => (String(Number(text)) === text ? Number(text) : undefined);

/** What should become of an entry: it runs, it is dead as past its deadline, or it is invalid. */
function fate(e: Entry): 'runs' | 'expired' | 'invalid' {
  if (e.id === undefined || e.id === '' || e.id === 'long') return 'invalid';
  if (e.payload === undefined) return 'invalid';
  if (e.payload !== '') {
    try {
      JSON.parse(e.payload);
    } catch {
      return 'invalid';
    }
  }
  if (e.failures !== undefined) {
    const n = canonical(e.failures);
    if (n === undefined || !Number.isSafeInteger(n) || n < 0) return 'invalid';
  }
  if (e.deadline !== undefined && e.deadline !== '') {
    const n = canonical(e.deadline);
    if (n === undefined || !Number.isFinite(n) || Math.abs(n) > 8.64e15) return 'invalid';
    if (n <= Date.now() + 5_000) return 'expired';
  }
  return 'runs';
}

describe.runIf(hasRedis)('RedisStore: raw entries from any writer, fed to a running pool', () => {
  let server: RedisServer;
  let runs = 0;
  beforeAll(async () => {
    server = await startRedis({ appendfsync: 'everysec' });
  });
  afterAll(() => server?.remove());

  it('never crashes; every valid job runs once; every invalid one is dead with its reason', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const client = await createClient({ url: server.url }).on('error', () => {}).connect();
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 25 }), async (entries) => {
          const queue = `raw-${++runs}`;
          const store = await RedisStore.open({ url: server.url, queue, blockMs: 100 });
          const ran = new Map<string, number>();
          const pool = new WorkerPool<unknown>({ workers: 3, store, handler: async (job: Job<unknown>) => void ran.set(job.id, (ran.get(job.id) ?? 0) + 1), onError: () => {} });
          try {
            const keys = redisKeys(queue);
            // Each entry's id made unique where it is a good one, so that each run can be told apart.
            const ids = entries.map((e, i) => (e.id === 'good' ? `e${i}` : e.id === 'long' ? 'x'.repeat(1_025) : e.id));
            for (let i = 0; i < entries.length; i++) {
              const e = entries[i]!;
              const fields: string[] = [];
              if (ids[i] !== undefined) fields.push('id', ids[i]!);
              for (const name of ['payload', 'deadline', 'failures', 'crashes'] as const) if (e[name] !== undefined) fields.push(name, e[name]!);
              if (e.extra !== undefined) fields.push('extra', e.extra);
              if (fields.length === 0) fields.push('nothing', '');
              await client.sendCommand(['XADD', keys.stream, '*', ...fields]);
            }
            await client.sendCommand(['HINCRBY', keys.counts, 'waiting', String(entries.length)]);
            const fates = entries.map(fate);
            const count = (f: string): number => fates.filter((x) => x === f).length;
            let dead: Awaited<ReturnType<RedisStore['deadJobs']>> = [];
            for (let i = 0; i < 200; i++) {
              dead = await store.deadJobs();
              if ([...ran.values()].reduce((a, b) => a + b, 0) + dead.length >= entries.length) break;
              await sleep(25);
            }
            await sleep(50);
            dead = await store.deadJobs();
            // Every valid job ran once, under its id; nothing else ran.
            for (let i = 0; i < entries.length; i++) {
              if (fates[i] === 'runs') expect(ran.get(ids[i]!), `entry ${i} ${JSON.stringify(entries[i])}`).toBe(1);
            }
            expect([...ran.values()].reduce((a, b) => a + b, 0)).toBe(count('runs'));
            // Every invalid one is dead with why; one past its deadline is dead as such.
            const invalid = dead.filter((d) => /^(the stored job is not valid: |its payload cannot be decoded: )/.test(d.error));
            expect(invalid.length, JSON.stringify(dead.map((d) => d.error))).toBe(count('invalid'));
            expect(dead.length).toBe(count('invalid') + count('expired'));
            expect(pool.stats().store!.invalidJobs).toBe(count('invalid'));
          } finally {
            await pool.shutdown();
            await store.close();
          }
        }),
        { numRuns: 25 },
      );
    } finally {
      client.destroy();
      errors.mockRestore();
    }
  }, 120_000);
});
