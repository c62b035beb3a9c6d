// TypeScript against the stores' published declarations, in a Node project:
// no better-sqlite3 or Redis client types are needed to use them.
import { WorkerPool, type Store, type SubmitResult } from '@gochan/pool';
import { RedisStore, type RedisStoreOptions } from '@gochan/store-redis';
import { SqliteStore, SqliteStoreError } from '@gochan/store-sqlite';

const sqlite: Store = new SqliteStore('jobs.db', { queue: 'mail', leaseMs: 10_000, synchronous: 'full' });
const options: RedisStoreOptions = { url: 'redis://127.0.0.1:6379/0', queue: 'mail' };
const redis: Promise<Store> = RedisStore.open(options);
const pool = new WorkerPool<{ to: string }>({ workers: 2, store: sqlite, handler: async (job) => void job.payload.to });
const result: Promise<SubmitResult> = pool.submit({ id: 'x', payload: { to: 'a@example.com' } });
const isStoreError = (error: unknown): boolean => error instanceof SqliteStoreError;
void redis;
void result;
void isStoreError;
