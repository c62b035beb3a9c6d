import { nodeSqliteSupported, openNodeSqlite } from './driver-node-sqlite.js';
import { openBetterSqlite3 } from './driver-better-sqlite3.js';

/*
 * The store's seam to SQLite: the few calls SqliteStore and schema.ts make,
 * on one of two bindings, chosen when a store is opened:
 *  - `node:sqlite`, built into Node (24 and later here): no native addon to
 *    build, so an install needs no compiler;
 *  - better-sqlite3, a native addon (an optional dependency): the binding on
 *    Node 20 and 22, where node:sqlite is missing (20) or still prints an
 *    ExperimentalWarning when loaded (22).
 * Both are synchronous and run each statement on the calling thread, so the
 * store behaves the same on either: same file format, same pragmas, same
 * transactions. Errors carry SQLite's code name in `code` ('SQLITE_BUSY',
 * 'SQLITE_CORRUPT', …) on both, as better-sqlite3 names them.
 */

/**
 * DriverName names the SQLite binding a store opens its file with, as Go's
 * `sql.Open(driverName, …)` names a `database/sql` driver: `'node:sqlite'`
 * (built into Node 24 and later) or `'better-sqlite3'` (a native addon).
 */
export type DriverName = 'node:sqlite' | 'better-sqlite3';

/**
 * A prepared statement: P its parameters, R a row (after `pluck()`, a row's
 * first column). The part of better-sqlite3's Statement the store uses.
 */
export interface Statement<P extends unknown[] = unknown[], R = unknown> {
  run(...params: P): { changes: number };
  get(...params: P): R | undefined;
  all(...params: P): R[];
  /** From now on, rows are their first column's value; returns this statement. */
  pluck(): Statement<P, R>;
}

/**
 * One open connection to a SQLite file: the part of better-sqlite3's
 * Database the store uses, so that the store reads the same on both
 * bindings.
 */
export interface Database {
  prepare<P extends unknown[] = unknown[], R = unknown>(sql: string): Statement<P, R>;
  /** Runs one or more statements, without parameters. */
  exec(sql: string): void;
  /** `PRAGMA source`; with `simple`, the first column of the first row. */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  /** `transaction(body).immediate()` runs `body` in `BEGIN IMMEDIATE`: committed if it returns, rolled back if it throws. */
  transaction<T>(body: () => T): { immediate(): T };
  /** Whether a transaction is open: false once SQLite has rolled one back by itself (a full disk, an I/O error). */
  readonly inTransaction: boolean;
  close(): void;
}

/** Connection is {@link Database}, by the name schema.ts gives it. */
export type Connection = Database;

/** What a connection is opened with. */
export interface OpenOptions {
  /** busy_timeout: how long a statement waits for another connection's lock, in milliseconds. */
  timeout: number;
  readonly?: boolean | undefined;
}

/**
 * The binding used when none is asked for: node:sqlite where Node has it
 * without an experimental warning (Node 24 and later), else better-sqlite3.
 * GOCHAN_SQLITE_DRIVER in the environment overrides it (the tests and the
 * benchmarks run both bindings on one Node that way).
 */
export function defaultDriver(): DriverName {
  const asked = process.env.GOCHAN_SQLITE_DRIVER;
  if (asked) return checkDriver(asked);
  return nodeSqliteSupported() ? 'node:sqlite' : 'better-sqlite3';
}

/** The drivers this Node can open, the default first. */
export function availableDrivers(): DriverName[] {
  const found: DriverName[] = [];
  if (nodeSqliteSupported()) found.push('node:sqlite');
  try {
    openBetterSqlite3(':memory:', { timeout: 0 }).close();
    found.push('better-sqlite3');
  } catch {
    // Not installed, or built for another Node.
  }
  return found;
}

/** Opens `path` with `driver`. */
export function openConnection(path: string, options: OpenOptions, driver: DriverName): Connection {
  return driver === 'node:sqlite' ? openNodeSqlite(path, options) : openBetterSqlite3(path, options);
}

/** A driver option's value, checked. */
export function checkDriver(driver: unknown): DriverName {
  if (driver === 'node:sqlite' || driver === 'better-sqlite3') return driver;
  throw new TypeError(`Expected \`driver\` to be 'node:sqlite' or 'better-sqlite3', got ${typeof driver === 'string' ? JSON.stringify(driver) : String(driver)}`);
}
