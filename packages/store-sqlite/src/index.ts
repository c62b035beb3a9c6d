/**
 * The embedded durable store for `@gochan/pool`: the pool's queue in a
 * SQLite file (better-sqlite3, WAL mode), so that a job whose submit
 * resolved survives a crash of the process. Node only.
 *
 * @packageDocumentation
 */
export { SqliteStore, DEFAULT_QUEUE, DEFAULT_POLL_MS, type SqliteStoreOptions } from './sqlite-store.js';
export { SqliteStoreError } from './errors.js';
