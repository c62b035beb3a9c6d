import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openConnection, type Connection, type DriverName } from './driver.js';
import { SqliteStoreError } from './errors.js';

/*
 * The file's layout, and opening it: a file is either empty (made ours
 * here, in one transaction), or ours (application_id and user_version say
 * so, and it passes quick_check), or refused with an error that says which
 * of torn, foreign, newer or unreachable it is. Never a silent empty queue.
 *
 * One row per job, in one table shared by every queue of the file:
 *  - state 0 waiting: `due` is when it may be claimed (now, or a retry's time);
 *  - state 1 running: `due` is when its lease ends; `token` is its claim's;
 *  - state 2 dead: kept with its last `error`, out of the live index.
 * A completed job's row is deleted (the counts row keeps the total).
 */

/** APPLICATION_ID marks a file as a gochan store: 'gcq1' in ASCII, in the header's application_id. */
export const APPLICATION_ID = 0x67637131;
/** SCHEMA_VERSION is the layout below, in the header's user_version. */
export const SCHEMA_VERSION = 1;
/** BUSY_TIMEOUT_MS is how long a statement waits for another connection's lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5_000;

const SCHEMA = `
CREATE TABLE gochan_jobs (
  seq INTEGER PRIMARY KEY,
  queue TEXT NOT NULL,
  id TEXT NOT NULL,
  payload TEXT NOT NULL,
  deadline INTEGER,
  state INTEGER NOT NULL,
  due INTEGER NOT NULL,
  token TEXT,
  failures INTEGER NOT NULL DEFAULT 0,
  crashes INTEGER NOT NULL DEFAULT 0,
  error TEXT
) STRICT;
-- At most one waiting or running job per id and queue; dead rows are outside it.
CREATE UNIQUE INDEX gochan_jobs_live ON gochan_jobs (queue, id) WHERE state < 2;
-- Claims (state 0, due <= now, oldest first: seq is the implicit last column),
-- expired leases (state 1, due <= now), dead jobs (state 2).
CREATE INDEX gochan_jobs_due ON gochan_jobs (queue, state, due);
CREATE TABLE gochan_counts (
  queue TEXT PRIMARY KEY,
  waiting INTEGER NOT NULL DEFAULT 0,
  running INTEGER NOT NULL DEFAULT 0,
  completed INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  dead INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
PRAGMA application_id = ${APPLICATION_ID};
PRAGMA user_version = ${SCHEMA_VERSION};
`;


/** Opens `path` as a store file, making an empty file ours; throws SqliteStoreError for anything else. */
export function openDatabase(path: string, synchronous: 'full' | 'normal', driver: DriverName): Connection {
  const folder = dirname(resolve(path));
  if (!existsSync(folder)) {
    throw new SqliteStoreError(`Cannot open the store ${path}: its folder ${folder} does not exist (SqliteStore creates the file, not folders)`);
  }
  if (!statSync(folder).isDirectory()) throw new SqliteStoreError(`Cannot open the store ${path}: ${folder} is not a folder`);
  let db: Connection;
  try {
    db = openConnection(path, { timeout: BUSY_TIMEOUT_MS }, driver);
  } catch (error) {
    if (error instanceof SqliteStoreError) throw error; // the binding itself is missing
    throw unreachable(path, error);
  }
  try {
    // Reading the header is the first read: a file that is not SQLite fails here.
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    const objects = db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get() as number;
    if (applicationId === 0 && objects === 0) {
      setJournal(db, path);
      db.transaction(() => db.exec(SCHEMA)).immediate();
    } else if (applicationId !== APPLICATION_ID) {
      throw new SqliteStoreError(
        `${path} is a SQLite database of another application (application_id ${applicationId}, ${objects} schema objects), not a gochan store: refusing to use it`,
      );
    } else if (version !== SCHEMA_VERSION) {
      throw new SqliteStoreError(
        `${path} is a gochan store of layout ${version}, and this version of @gochan/store-sqlite reads layout ${SCHEMA_VERSION} only`,
      );
    } else {
      setJournal(db, path);
      // Every page, O(size of the file): a torn or corrupt file is refused at start, not found mid-run.
      const problems = db.prepare('PRAGMA quick_check(5)').pluck().all() as string[];
      if (problems.length !== 1 || problems[0] !== 'ok') {
        throw new SqliteStoreError(`${path} is corrupt (SQLite's quick_check: ${problems.join('; ').replace(/\s*\n\s*/g, '; ')}): refusing to use it`);
      }
    }
    db.pragma(`synchronous = ${synchronous}`);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof SqliteStoreError) throw error;
    throw unusable(path, error);
  }
}

/** WAL: readers never block the writer, and a commit is one append to the log (fsynced with synchronous=full). */
function setJournal(db: Connection, path: string): void {
  const mode = db.pragma('journal_mode = wal', { simple: true });
  if (mode !== 'wal') throw new SqliteStoreError(`${path} cannot be put in WAL mode (SQLite answered journal_mode ${String(mode)}): is it a file on a local disk?`);
}

function code(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
}

function unreachable(path: string, error: unknown): SqliteStoreError {
  return new SqliteStoreError(`Cannot open the store ${path}: ${(error as Error).message} (can this process read and write its folder?)`, { cause: error });
}

function unusable(path: string, error: unknown): SqliteStoreError {
  const kind = code(error);
  if (kind === 'SQLITE_NOTADB') return new SqliteStoreError(`${path} is not a SQLite database (torn, or another kind of file): refusing to use it`, { cause: error });
  if (kind.startsWith('SQLITE_CORRUPT')) return new SqliteStoreError(`${path} is corrupt (${(error as Error).message}): refusing to use it`, { cause: error });
  if (kind.startsWith('SQLITE_READONLY') || kind.startsWith('SQLITE_CANTOPEN') || kind.startsWith('SQLITE_IOERR') || kind.startsWith('SQLITE_PERM')) {
    return unreachable(path, error);
  }
  return new SqliteStoreError(`Cannot use the store ${path}: ${(error as Error).message}`, { cause: error });
}
