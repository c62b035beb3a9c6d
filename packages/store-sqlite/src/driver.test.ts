// The two SQLite bindings behind SqliteStore: which one a store opens with,
// and that the one not chosen by default keeps every promise too (the
// conformance suite on each binding this Node has), on one file format.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storeConformance } from '../../pool/src/test-store-conformance.js';
import { availableDrivers, defaultDriver, openConnection, type DriverName } from './driver.js';
import { nodeSqliteSupported } from './driver-node-sqlite.js';
import { SqliteStoreError } from './errors.js';
import { SqliteStore } from './sqlite-store.js';
import { tempDir } from './test-helpers.js';

const temp = tempDir();
afterAll(() => temp.remove());
let files = 0;
const fresh = (): string => join(temp.dir, `driver-${++files}.db`);
const job = (id: string) => ({ id, payload: `"${id}"`, deadline: undefined });
const major = Number(process.versions.node.split('.', 1)[0]);
const drivers = availableDrivers();

describe('SqliteStore drivers', () => {
  it('node:sqlite from Node 24 on (refused before, with the reason), better-sqlite3 before', () => {
    expect(nodeSqliteSupported()).toBe(major >= 24);
    if (!process.env.GOCHAN_SQLITE_DRIVER) expect(defaultDriver()).toBe(major >= 24 ? 'node:sqlite' : 'better-sqlite3');
    if (major < 24) {
      expect(() => new SqliteStore(fresh(), { driver: 'node:sqlite' })).toThrow(`node:sqlite is used from Node 24 on; this is Node ${process.versions.node}`);
    }
  });

  it('every binding is there under CI: node:sqlite from Node 24 on, and better-sqlite3 built for this Node', () => {
    // Outside CI a binding may be missing (better-sqlite3 is optional); under CI a missing one fails, never skips.
    if (!process.env.CI) return;
    expect(drivers).toEqual(major >= 24 ? ['node:sqlite', 'better-sqlite3'] : ['better-sqlite3']);
  });

  it('a store says which binding it opened, and takes the option', async () => {
    await using store = new SqliteStore(fresh());
    expect(store.driver).toBe(defaultDriver());
    for (const driver of drivers) {
      await using chosen = new SqliteStore(fresh(), { driver });
      expect(chosen.driver).toBe(driver);
    }
    expect(() => new SqliteStore(fresh(), { driver: 'sqlite3' as DriverName })).toThrow(
      `Expected \`driver\` to be 'node:sqlite' or 'better-sqlite3', got "sqlite3"`,
    );
  });

  // Only where this Node has both (under CI: 24 and later, checked above); not a skip where it has one.
  if (drivers.length === 2) it('one file, both bindings: what one wrote, the other reads and takes on', async () => {
    const path = fresh();
    const [first, second] = drivers as [DriverName, DriverName];
    const a = new SqliteStore(path, { driver: first, leaseMs: 60_000 });
    await a.add(job('one'));
    await a.add(job('two'));
    const [held] = await a.claim(1, AbortSignal.timeout(1_000));
    await a.close();
    await using b = new SqliteStore(path, { driver: second, leaseMs: 60_000 });
    expect(b.counts()).toEqual({ waiting: 1, running: 1, completed: 0, failed: 0, dead: 0 });
    expect(await b.complete(held!)).toBe(true);
    expect((await b.claim(10, AbortSignal.timeout(1_000))).map((j) => j.id)).toEqual(['two']);
  });

  it('SQLite errors carry its code name on every binding', () => {
    for (const driver of drivers) {
      const db = openConnection(fresh(), { timeout: 0 }, driver);
      db.exec('CREATE TABLE t (x INTEGER NOT NULL)');
      expect(() => db.prepare('INSERT INTO t VALUES (NULL)').run()).toThrow(expect.objectContaining({ code: expect.stringMatching(/^SQLITE_CONSTRAINT/) }));
      // A failed transaction is rolled back, and the connection goes on.
      expect(() =>
        db
          .transaction(() => {
            db.prepare('INSERT INTO t VALUES (1)').run();
            db.prepare('INSERT INTO t VALUES (NULL)').run();
          })
          .immediate(),
      ).toThrow();
      expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(0);
      expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
      db.close();
    }
  });

  it('a file that is not SQLite is refused the same way on every binding', async () => {
    const { writeFileSync } = await import('node:fs');
    for (const driver of drivers) {
      const path = fresh();
      writeFileSync(path, 'not a database, at least 100 bytes long '.repeat(10));
      expect(() => new SqliteStore(path, { driver })).toThrow(SqliteStoreError);
      expect(() => new SqliteStore(path, { driver })).toThrow('is not a SQLite database (torn, or another kind of file): refusing to use it');
    }
  });
});

// The default binding runs the suite in sqlite-store.test.ts; here, the other one, where this Node has both.
for (const driver of drivers.filter((name) => name !== defaultDriver())) {
  storeConformance(`SqliteStore on ${driver}`, {
    open: async (options) => new SqliteStore(fresh(), { ...options, synchronous: 'normal', driver }),
    close: (store) => (store as SqliteStore).close(),
  });
}
