import type BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';
import type { Connection, OpenOptions } from './driver.js';
import { SqliteStoreError } from './errors.js';

/*
 * The better-sqlite3 binding: a native addon, an optional dependency of this
 * package, loaded only when a store opens with it (so that a Node that uses
 * node:sqlite never loads it, and an install where it failed to build still
 * works there). The seam is its own API, so a connection is its Database.
 */

let loaded: typeof BetterSqlite3 | undefined;

/** better-sqlite3's constructor, loaded on first use; a clear error where it is missing. */
function load(): typeof BetterSqlite3 {
  if (loaded) return loaded;
  try {
    loaded = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'MODULE_NOT_FOUND';
    throw new SqliteStoreError(
      missing
        ? `@gochan/store-sqlite needs better-sqlite3 on Node ${process.versions.node} (it uses node:sqlite from Node 24 on): install it (npm install better-sqlite3), or run Node 24 or later`
        : `better-sqlite3 cannot be loaded on Node ${process.versions.node}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return loaded;
}

export function openBetterSqlite3(path: string, options: OpenOptions): Connection {
  const Database = load();
  const db = new Database(path, { timeout: options.timeout, readonly: options.readonly ?? false });
  return db as unknown as Connection;
}
