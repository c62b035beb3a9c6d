import { StoreClosedError, WorkerPool } from '@gochan/pool';
import { join } from 'node:path';
import { afterAll, expect, test, vi } from 'vitest';
import { SqliteStore } from './sqlite-store.js';
import { sleep, tempDir } from './test-helpers.js';

const temp = tempDir();
afterAll(() => temp.remove());

test('a store closed while its pool still uses it: one clear line, no stack, no retries; submit rejects with StoreClosedError; shutdown still resolves', async () => {
  const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    const store = new SqliteStore(join(temp.dir, 'closed.db'), { synchronous: 'normal' });
    const pool = new WorkerPool<number>({ workers: 1, store, handler: () => sleep(20) });
    await pool.submit({ id: 'a', payload: 1 });
    await pool.submit({ id: 'b', payload: 2 });
    await store.close(); // the program's mistake: before pool.shutdown()
    await sleep(300); // long enough for the feeder to have retried several times, had it retried
    await expect(pool.submit({ id: 'c', payload: 3 })).rejects.toThrow(StoreClosedError);
    await pool.shutdown();
    const lines = errors.mock.calls.map((args) => args.map(String).join(' '));
    expect(lines).toEqual([`pool: The SqliteStore on ${join(temp.dir, 'closed.db')} is closed while the pool still uses it; close the store after the pool's shutdown() has resolved`]);
  } finally {
    errors.mockRestore();
  }
});

test('every operation of a closed SqliteStore rejects with StoreClosedError', async () => {
  const store = new SqliteStore(join(temp.dir, 'closed-ops.db'), { synchronous: 'normal' });
  await store.close();
  await expect(store.add({ id: 'x', payload: '1', deadline: undefined })).rejects.toBeInstanceOf(StoreClosedError);
  await expect(store.claim(1, AbortSignal.timeout(1_000))).rejects.toBeInstanceOf(StoreClosedError);
  await expect(store.changed()).rejects.toBeInstanceOf(StoreClosedError);
  expect(() => store.deadJobs()).toThrow(StoreClosedError);
});
