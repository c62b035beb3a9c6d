/**
 * The embedded durable store for `@gochan/pool`: the pool's queue in a
 * SQLite file (WAL mode; node:sqlite from Node 24 on, better-sqlite3
 * before), so that a job whose submit resolved survives a crash of the
 * process. Node only.
 *
 * @packageDocumentation
 */
export { SqliteStore, DEFAULT_QUEUE, DEFAULT_POLL_MS, type SqliteStoreOptions } from './sqlite-store.js';
export { SqliteStoreError } from './errors.js';
export type { DriverName } from './driver.js';
