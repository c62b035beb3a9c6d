import type { Connection, OpenOptions, Statement } from './driver.js';

/*
 * The node:sqlite binding (DatabaseSync), built into Node: no addon to
 * build or load. Used from Node 24 on, where it no longer prints an
 * ExperimentalWarning when loaded (Node 22 does; Node 20 has none).
 *
 * Its API differs from better-sqlite3's in three ways the seam hides:
 *  - no `.pluck()`: a plucked statement returns arrays (setReturnArrays)
 *    and this takes their first element;
 *  - no `.pragma()`: a PRAGMA statement, prepared and run;
 *  - no `transaction()` helper: BEGIN IMMEDIATE, COMMIT and ROLLBACK are
 *    statements prepared once per connection, as better-sqlite3's helper
 *    does inside;
 *  - errors have code 'ERR_SQLITE_ERROR' and SQLite's number in `errcode`:
 *    `code` is set to SQLite's name for it ('SQLITE_BUSY', …), as
 *    better-sqlite3's errors carry, so that callers read one kind of error.
 *
 * The types below are the part of node:sqlite used here: this project's
 * @types/node is Node 20's, which has no node:sqlite.
 */

interface NodeStatement {
  run(...params: unknown[]): { changes: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  setReturnArrays(enabled: boolean): void;
}

interface NodeDatabase {
  prepare(sql: string): NodeStatement;
  exec(sql: string): void;
  close(): void;
  readonly isTransaction: boolean;
}

interface NodeSqlite {
  DatabaseSync: new (path: string, options: { timeout: number; readOnly: boolean }) => NodeDatabase;
}

/** Whether this Node's node:sqlite is the binding to use: Node 24 or later. */
export function nodeSqliteSupported(): boolean {
  return Number(process.versions.node.split('.', 1)[0]) >= 24;
}

let loaded: NodeSqlite | undefined;

function load(): NodeSqlite {
  if (loaded) return loaded;
  if (!nodeSqliteSupported()) throw new Error(`node:sqlite is used from Node 24 on; this is Node ${process.versions.node}`);
  // getBuiltinModule: no static import, so this module loads on a Node without node:sqlite.
  loaded = process.getBuiltinModule('node:sqlite') as NodeSqlite;
  return loaded;
}

/** SQLite's primary result codes by number, as better-sqlite3 names them (sqlite3.h). */
const CODES: Record<number, string> = {
  1: 'SQLITE_ERROR', 2: 'SQLITE_INTERNAL', 3: 'SQLITE_PERM', 4: 'SQLITE_ABORT', 5: 'SQLITE_BUSY', 6: 'SQLITE_LOCKED',
  7: 'SQLITE_NOMEM', 8: 'SQLITE_READONLY', 9: 'SQLITE_INTERRUPT', 10: 'SQLITE_IOERR', 11: 'SQLITE_CORRUPT', 12: 'SQLITE_NOTFOUND',
  13: 'SQLITE_FULL', 14: 'SQLITE_CANTOPEN', 15: 'SQLITE_PROTOCOL', 16: 'SQLITE_EMPTY', 17: 'SQLITE_SCHEMA', 18: 'SQLITE_TOOBIG',
  19: 'SQLITE_CONSTRAINT', 20: 'SQLITE_MISMATCH', 21: 'SQLITE_MISUSE', 22: 'SQLITE_NOLFS', 23: 'SQLITE_AUTH', 24: 'SQLITE_FORMAT',
  25: 'SQLITE_RANGE', 26: 'SQLITE_NOTADB', 27: 'SQLITE_NOTICE', 28: 'SQLITE_WARNING',
};

/** A node:sqlite error given SQLite's code name in `code`; any other error as it is. */
function named(error: unknown): unknown {
  if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ERR_SQLITE_ERROR') {
    const errcode = (error as { errcode?: unknown }).errcode;
    if (typeof errcode === 'number') {
      const name = CODES[errcode & 0xff];
      if (name) (error as { code: string }).code = name;
    }
  }
  return error;
}

/** Runs `call`, naming any SQLite error it throws. */
function guarded<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw named(error);
  }
}

/**
 * A node:sqlite statement as the seam's Statement: SQLite errors named,
 * `pluck()` by returned arrays. The results pass through as node:sqlite
 * makes them (`changes` is a number: big integers are not turned on).
 */
function statement<P extends unknown[], R>(prepared: NodeStatement): Statement<P, R> {
  const self: Statement<P, R> = {
    run: (...params) => {
      try {
        return prepared.run(...params) as { changes: number };
      } catch (error) {
        throw named(error);
      }
    },
    get: (...params) => {
      try {
        return (prepared.get(...params) ?? undefined) as R | undefined;
      } catch (error) {
        throw named(error);
      }
    },
    all: (...params) => {
      try {
        return prepared.all(...params) as R[];
      } catch (error) {
        throw named(error);
      }
    },
    pluck: () => {
      prepared.setReturnArrays(true);
      self.get = (...params) => {
        try {
          return (prepared.get(...params) as unknown[] | undefined)?.[0] as R | undefined;
        } catch (error) {
          throw named(error);
        }
      };
      self.all = (...params) => {
        try {
          return (prepared.all(...params) as unknown[][]).map((row) => row[0] as R);
        } catch (error) {
          throw named(error);
        }
      };
      return self;
    },
  };
  return self;
}

export function openNodeSqlite(path: string, options: OpenOptions): Connection {
  const { DatabaseSync } = load();
  const db = guarded(() => new DatabaseSync(path, { timeout: options.timeout, readOnly: options.readonly ?? false }));
  let control: { begin: NodeStatement; commit: NodeStatement; rollback: NodeStatement } | undefined;
  const connection: Connection = {
    prepare: <P extends unknown[], R>(sql: string) => statement<P, R>(guarded(() => db.prepare(sql))),
    exec: (sql) => guarded(() => db.exec(sql)),
    pragma: (source, { simple = false } = {}) => {
      const prepared = connection.prepare(`PRAGMA ${source}`);
      return simple ? prepared.pluck().get() : prepared.all();
    },
    transaction: (body) => ({
      immediate: () => {
        control ??= guarded(() => ({ begin: db.prepare('BEGIN IMMEDIATE'), commit: db.prepare('COMMIT'), rollback: db.prepare('ROLLBACK') }));
        guarded(() => control!.begin.run());
        try {
          const result = body();
          control.commit.run();
          return result;
        } catch (error) {
          // SQLite may have rolled back already (a full disk, an I/O error): then there is nothing to undo.
          if (db.isTransaction) control.rollback.run();
          throw named(error);
        }
      },
    }),
    get inTransaction() {
      return db.isTransaction;
    },
    close: () => guarded(() => db.close()),
  };
  return connection;
}
