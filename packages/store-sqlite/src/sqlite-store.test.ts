import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storeConformance } from '../../pool/src/test-store-conformance.js';
import { SqliteStoreError } from './errors.js';
import { SqliteStore } from './sqlite-store.js';
import { Database, sleep, tempDir } from './test-helpers.js';

const temp = tempDir();
afterAll(() => temp.remove());
let files = 0;
/** A path for a new store file in the test run's temp folder. */
const fresh = (): string => join(temp.dir, `store-${++files}.db`);
const job = (id: string, payload = `"${id}"`) => ({ id, payload, deadline: undefined });

storeConformance('SqliteStore', {
  open: async (options) => new SqliteStore(fresh(), { ...options, synchronous: 'normal' }),
  close: (store) => (store as SqliteStore).close(),
});

describe('SqliteStore', () => {
  it('keeps waiting, running, retried and dead jobs across close and reopen; completed ones are gone', async () => {
    const path = fresh();
    const before = new SqliteStore(path, { leaseMs: 60_000 });
    // The retry is due before 'waiting' was added (a time taken before the adds), never in the same
    // millisecond: claims are oldest first by due time, and a tie would fall to the order of arrival.
    const retryDue = Date.now() - 1;
    for (const id of ['done', 'running', 'retry', 'dead', 'waiting']) await before.add(job(id));
    const claimed = await before.claim(4, AbortSignal.timeout(1_000));
    const [done, running, retry, dead] = claimed;
    await Promise.all([before.complete(done!), before.fail(retry!, 'Error: again', retryDue), before.fail(dead!, 'Error: fatal', undefined)]);
    expect(before.counts()).toEqual({ waiting: 2, running: 1, completed: 1, failed: 2, dead: 1 });
    await before.close();

    await using after = new SqliteStore(path, { leaseMs: 60_000 });
    expect(after.counts()).toEqual({ waiting: 2, running: 1, completed: 1, failed: 2, dead: 1 });
    const again = await after.claim(10, AbortSignal.timeout(1_000));
    expect(again.map((j) => [j.id, j.attempt])).toEqual([
      ['retry', 2],
      ['waiting', 1],
    ]);
    expect(after.deadJobs()).toEqual([{ id: 'dead', payload: '"dead"', error: 'Error: fatal', failures: 1, crashes: 0 }]);
    // The running job's old token still holds it: its lease (60 s) outlives the reopen.
    expect(await after.complete(running!)).toBe(true);
  });

  it('several queues share one file without touching each other', async () => {
    const path = fresh();
    await using a = new SqliteStore(path, { queue: 'a' });
    await using b = new SqliteStore(path, { queue: 'b' });
    await a.add(job('same-id', '"a"'));
    expect(await b.add(job('same-id', '"b"'))).toBe('added');
    expect(a.counts().waiting).toBe(1);
    expect(b.counts().waiting).toBe(1);
    const [fromB] = await b.claim(10, AbortSignal.timeout(1_000));
    expect(fromB!.payload).toBe('"b"');
    await b.complete(fromB!);
    expect(a.counts()).toMatchObject({ waiting: 1, completed: 0 });
    expect((await a.claim(10, AbortSignal.timeout(1_000))).map((j) => j.payload)).toEqual(['"a"']);
  });

  it('two stores on one file never claim the same job, and an add in one wakes a claim parked in the other', async () => {
    const path = fresh();
    await using one = new SqliteStore(path, { pollMs: 60_000 });
    await using two = new SqliteStore(path, { pollMs: 60_000 });
    const parked = two.claim(5, AbortSignal.timeout(2_000));
    await one.add(job('wake'));
    expect((await parked).map((j) => j.id)).toEqual(['wake']);

    await Promise.all(Array.from({ length: 300 }, (_, i) => one.add(job(`j${i}`))));
    const seen: string[] = [];
    while (seen.length < 300) {
      const [a, b] = await Promise.all([one.claim(7, AbortSignal.timeout(2_000)), two.claim(11, AbortSignal.timeout(2_000))]);
      seen.push(...a.map((j) => j.id), ...b.map((j) => j.id));
    }
    expect(new Set(seen).size).toBe(300);
    expect(one.counts()).toMatchObject({ waiting: 0, running: 301 });
  });

  it('a parked claim woken by many jobs at once takes only its max; the others stay waiting, not lost as running', async () => {
    await using store = new SqliteStore(fresh());
    const parked = store.claim(2, AbortSignal.timeout(2_000));
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.add(job(`many${i}`))));
    expect((await parked).map((j) => j.id)).toEqual(['many0', 'many1']);
    expect(store.counts()).toMatchObject({ waiting: 8, running: 2 });
  });

  it('a claim parked in one store sees another connection’s add by its poll', async () => {
    const path = fresh();
    await using store = new SqliteStore(path, { pollMs: 20 });
    const parked = store.claim(5, AbortSignal.timeout(3_000));
    const changed = store.changed(AbortSignal.timeout(3_000));
    // A foreign connection, as another process would be: no in-process wake.
    const other = new Database(path);
    other.prepare("INSERT INTO gochan_jobs (queue, id, payload, state, due) VALUES ('tasks', 'outside', '1', 0, 0)").run();
    other.prepare("UPDATE gochan_counts SET waiting = waiting + 1 WHERE queue = 'tasks'").run();
    other.close();
    await changed;
    expect((await parked).map((j) => j.id)).toEqual(['outside']);
  });

  it('group commit: writes issued in one turn share one transaction, and each resolves after it', async () => {
    await using store = new SqliteStore(fresh(), { synchronous: 'full' });
    const before = store.commits;
    const results = await Promise.all(Array.from({ length: 1_000 }, (_, i) => store.add(job(`g${i}`))));
    expect(results.every((r) => r === 'added')).toBe(true);
    expect(store.commits - before).toBe(1);

    const claimed = await store.claim(1_000, AbortSignal.timeout(1_000));
    const afterClaim = store.commits;
    const settled = await Promise.all(claimed.map((j, i) => (i % 2 === 0 ? store.complete(j) : store.fail(j, 'x', Date.now() + 60_000))));
    expect(settled.every(Boolean)).toBe(true);
    expect(store.commits - afterClaim).toBe(1);
    expect(store.counts()).toMatchObject({ waiting: 500, running: 0, completed: 500, failed: 500 });
  });

  it('a resolved add is in the file: another connection reads it at once', async () => {
    const path = fresh();
    await using store = new SqliteStore(path);
    await store.add(job('durable'));
    const reader = new Database(path, { readonly: true });
    expect(reader.prepare('SELECT id FROM gochan_jobs').pluck().all()).toEqual(['durable']);
    reader.close();
  });

  it('close writes the pending writes first, and settles their promises', async () => {
    const path = fresh();
    const store = new SqliteStore(path);
    const adds = [store.add(job('p1')), store.add(job('p2'))];
    await store.close();
    expect(await Promise.all(adds)).toEqual(['added', 'added']);
    await store.close();
    await expect(store.add(job('late'))).rejects.toThrow(/closed/);
    await using reopened = new SqliteStore(path);
    expect(reopened.counts().waiting).toBe(2);
  });

  it('close ends a parked claim and a changed() wait, rejecting', async () => {
    const store = new SqliteStore(fresh());
    const parked = store.claim(1, AbortSignal.timeout(5_000));
    const changed = store.changed();
    await store.close();
    await expect(parked).rejects.toThrow(/closed/);
    await expect(changed).rejects.toThrow(/closed/);
  });

  it('an expired lease is a crash, not an attempt; past maxCrashes the job is dead with why', async () => {
    await using store = new SqliteStore(fresh(), { leaseMs: 50, maxCrashes: 1 });
    await store.add(job('crasher'));
    await store.claim(1, AbortSignal.timeout(1_000));
    await sleep(70);
    expect((await store.claim(1, AbortSignal.timeout(1_000))).map((j) => j.attempt)).toEqual([1]);
    await sleep(70);
    await expect(store.claim(1, AbortSignal.timeout(150))).rejects.toThrow();
    expect(store.deadJobs()).toEqual([
      { id: 'crasher', payload: '"crasher"', error: 'its lease expired 2 times: the process running it died each time?', failures: 0, crashes: 2 },
    ]);
  });

  it('names a bad option and the value received', () => {
    const path = fresh();
    expect(() => new SqliteStore(path, { leaseMs: 0 })).toThrow('Expected `leaseMs` to be a positive number of milliseconds, got 0');
    expect(() => new SqliteStore(path, { maxCrashes: -1 })).toThrow('Expected `maxCrashes` to be a non-negative integer, got -1');
    expect(() => new SqliteStore(path, { queue: '' })).toThrow('Expected `queue` to be a non-empty string, got ""');
    expect(() => new SqliteStore(path, { pollMs: Number.NaN })).toThrow('Expected `pollMs` to be a positive number of milliseconds, got NaN');
    expect(() => new SqliteStore(path, { synchronous: 'off' as 'full' })).toThrow(`Expected \`synchronous\` to be 'full' or 'normal', got "off"`);
    expect(() => new SqliteStore(42 as unknown as string)).toThrow('Expected `path` to be a file path, got 42');
  });

  it('refuses a job it cannot store, and stores nothing of it', async () => {
    await using store = new SqliteStore(fresh());
    await expect(store.add({ id: 'x', payload: 42 as unknown as string, deadline: undefined })).rejects.toThrow(TypeError);
    await expect(store.claim(0, AbortSignal.timeout(100))).rejects.toThrow('Expected `max` to be a positive integer, got 0');
    expect(store.counts().waiting).toBe(0);
    // Ids of any length, the empty one included, are the store's to keep.
    expect(await store.add(job(''))).toBe('added');
    expect(await store.add(job('x'.repeat(100_000)))).toBe('added');
    expect((await store.claim(5, AbortSignal.timeout(1_000))).map((j) => j.id.length)).toEqual([0, 100_000]);
  });
});

describe('SqliteStore refuses a file it cannot use, with a clear error', () => {
  it('a file that is not SQLite (torn, or something else)', () => {
    const path = fresh();
    writeFileSync(path, 'this is a text file, not a database\n'.repeat(200));
    expect(() => new SqliteStore(path)).toThrow(SqliteStoreError);
    expect(() => new SqliteStore(path)).toThrow(`${path} is not a SQLite database (torn, or another kind of file): refusing to use it`);
  });

  it('a store file whose pages were damaged', async () => {
    const path = fresh();
    const store = new SqliteStore(path);
    await Promise.all(Array.from({ length: 2_000 }, (_, i) => store.add(job(`c${i}`, JSON.stringify({ filler: 'y'.repeat(200) })))));
    await store.close();
    // Fold the WAL into the file, then overwrite pages past the header with garbage.
    const db = new Database(path);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const bytes = readFileSync(path);
    bytes.fill(0x5a, 8_192, 40_960);
    writeFileSync(path, bytes);
    expect(() => new SqliteStore(path)).toThrow(/is corrupt \(SQLite's quick_check: .*\): refusing to use it$/);
  });

  it('a file cut short (the end of it lost)', async () => {
    const path = fresh();
    const store = new SqliteStore(path);
    await Promise.all(Array.from({ length: 2_000 }, (_, i) => store.add(job(`t${i}`, JSON.stringify({ filler: 'y'.repeat(200) })))));
    await store.close();
    const db = new Database(path);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(() => new SqliteStore(path)).toThrow(SqliteStoreError);
  });

  it('a SQLite database of another application', () => {
    const path = fresh();
    const db = new Database(path);
    db.exec('CREATE TABLE users (name TEXT)');
    db.close();
    expect(() => new SqliteStore(path)).toThrow(/is a SQLite database of another application \(application_id 0, 1 schema objects\), not a gochan store/);
  });

  it('a store of a newer layout', async () => {
    const path = fresh();
    await new SqliteStore(path).close();
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    expect(() => new SqliteStore(path)).toThrow('is a gochan store of layout 99, and this version of @gochan/store-sqlite reads layout 1 only');
  });

  it('a folder that does not exist (the store does not create folders)', () => {
    const path = join(temp.dir, 'no', 'such', 'folder', 'jobs.db');
    expect(() => new SqliteStore(path)).toThrow(`its folder ${join(temp.dir, 'no', 'such', 'folder')} does not exist`);
  });

});
