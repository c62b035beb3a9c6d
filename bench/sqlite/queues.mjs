// One adapter per SQLite-backed queue: each runs `n` no-op jobs end to end
// (submit them all, run them all, every completion committed) with `workers`
// jobs at a time, on a fresh file, and resolves once the last completion is
// committed. The child starts its clock before the first submit and stops it
// when the adapter resolves.
//
// Every adapter gets the same inputs:
// - `file`: a fresh SQLite file (its folder exists, the file does not);
// - `synchronous`: 'full' or 'normal', SQLite's setting for the run (the
//   peers that force their own setting say so in `note`);
// - `work(i)`: the job itself, given the job's number back from its stored
//   payload (a JSON number); it counts the run;
// - `done()`: resolves once `work` has run n times.
// Each resolves with facts for results.json: commits, how it was fed.
import Database from 'better-sqlite3';

/** Our pool's settings for the speed runs: the backlog bound and how many claimed jobs wait in the process. */
export const OURS = {
  queueSize: Number(process.env.OURS_QUEUE ?? 1000),
  prefetch: Number(process.env.OURS_PREFETCH ?? 1000),
  producers: Number(process.env.OURS_PRODUCERS ?? 1000),
};
/** The floor's batch: jobs per transaction for insert, claim and complete. */
export const FLOOR_BATCH = 1000;

/**
 * Imports one of our packages: from the snapshot the runner took at its start
 * (SQLITE_BENCH_CODE, a folder with node_modules/@gochan/*), so that every run
 * of a session measures the same build while packages/ is being rebuilt;
 * from the workspace otherwise.
 */
export function ours(name) {
  const snapshot = process.env.SQLITE_BENCH_CODE;
  return import(snapshot ? `${snapshot}/node_modules/@gochan/${name}/dist/index.js` : `@gochan/${name}`);
}

const silent = { error: console.error, warn: console.warn, info() {}, debug() {} };

export const queues = {
  /**
   * Ours: `new WorkerPool({ store: new SqliteStore(file, { synchronous }) })`,
   * fed by OURS.producers loops that each `await pool.submit(job)` in turn:
   * up to that many submits in flight, held back by the pool's own
   * backpressure (queueSize waiting jobs); the store commits the adds of one
   * turn of the event loop together.
   */
  async gochan({ file, synchronous, workers, n, work, done }) {
    const { WorkerPool } = await ours('pool');
    const { SqliteStore } = await ours('store-sqlite');
    const store = new SqliteStore(file, { synchronous });
    const pool = new WorkerPool({
      workers,
      queueSize: OURS.queueSize,
      prefetch: OURS.prefetch,
      store,
      handler: async (job) => work(job.payload),
    });
    let next = 0;
    const producer = async () => {
      while (next < n) {
        const i = next++;
        const result = await pool.submit({ id: String(i), payload: i });
        if (result !== 'added') throw new Error(`gochan: job ${i} was ${result}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(OURS.producers, n) }, producer));
    await done();
    const report = await pool.shutdown();
    const counts = store.counts();
    const commits = store.commits;
    await store.close();
    if (report.stats.completed !== n || report.unfinished.length !== 0 || counts.completed !== n || counts.waiting + counts.running !== 0) {
      throw new Error(`gochan: pool completed ${report.stats.completed}, store counts ${JSON.stringify(counts)}, of ${n}`);
    }
    return { commits };
  },

  /**
   * plainjob as its own benchmark drives it (its fastest documented use):
   * every job added by one `queue.addMany` (one transaction), then `workers`
   * workers (`defineWorker`, one job at a time each) on the same queue and
   * connection, with a silent logger. `defineQueue` sets synchronous=NORMAL
   * itself; for the FULL row the harness sets it back after.
   */
  async plainjob({ file, synchronous, workers, n, work, done }) {
    const { better, defineQueue, defineWorker, JobStatus } = await import('plainjob');
    const db = new Database(file);
    const queue = defineQueue({ connection: better(db), logger: silent });
    if (synchronous === 'full') db.pragma('synchronous = FULL');
    const payloads = Array.from({ length: n }, (_, i) => i);
    queue.addMany('bench', payloads);
    const running = [];
    for (let w = 0; w < workers; w++) {
      const worker = defineWorker('bench', async (job) => work(JSON.parse(job.data)), { queue, logger: silent });
      running.push(worker);
      void worker.start();
    }
    await done();
    // work() ran n times; the last markJobAsDone follows its processor's await.
    while (queue.countJobs({ status: JobStatus.Done }) < n) await new Promise((resolve) => setImmediate(resolve));
    await Promise.all(running.map((worker) => worker.stop()));
    const doneCount = queue.countJobs({ status: JobStatus.Done });
    const total = queue.countJobs();
    queue.close();
    if (doneCount !== n || total !== n) throw new Error(`plainjob: ${doneCount} done of ${total} jobs, ${n} added`);
    return {};
  },

  /**
   * The floor, one transaction per step: each insert, each claim (one
   * UPDATE … RETURNING of the oldest waiting job) and each complete (a
   * DELETE) commits on its own; `workers` loops claim, await the job, complete.
   */
  async 'floor, per step'({ file, synchronous, workers, n, work, done }) {
    const { db, insert, claimOne, complete } = openFloor(file, synchronous);
    for (let i = 0; i < n; i++) insert.run(JSON.stringify(i));
    const loop = async () => {
      for (;;) {
        const row = claimOne.get();
        if (row === undefined) return;
        await work(JSON.parse(row.payload));
        complete.run(row.seq);
      }
    };
    await Promise.all(Array.from({ length: workers }, loop));
    await done();
    return { commits: 3 * n, ...closeFloor(db, n) };
  },

  /**
   * The floor, batched: inserts FLOOR_BATCH jobs per transaction; then claims
   * up to FLOOR_BATCH jobs in one transaction, runs them on `workers` loops,
   * and deletes them in one transaction, until none is left.
   */
  async 'floor, batched'({ file, synchronous, workers, n, work, done }) {
    const { db, insert, claimMany, complete } = openFloor(file, synchronous);
    const insertMany = db.transaction((from, to) => {
      for (let i = from; i < to; i++) insert.run(JSON.stringify(i));
    });
    const completeMany = db.transaction((rows) => {
      for (const row of rows) complete.run(row.seq);
    });
    let commits = 0;
    for (let i = 0; i < n; i += FLOOR_BATCH, commits++) insertMany(i, Math.min(n, i + FLOOR_BATCH));
    for (;;) {
      const rows = claimMany.all(FLOOR_BATCH);
      if (rows.length === 0) break;
      let next = 0;
      const loop = async () => {
        while (next < rows.length) await work(JSON.parse(rows[next++].payload));
      };
      await Promise.all(Array.from({ length: Math.min(workers, rows.length) }, loop));
      completeMany(rows);
      commits += 2;
    }
    await done();
    return { commits, ...closeFloor(db, n) };
  },
};

/** The floor's file: one table, WAL, the given synchronous. */
function openFloor(file, synchronous) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec(`CREATE TABLE jobs (seq INTEGER PRIMARY KEY, payload TEXT NOT NULL, state INTEGER NOT NULL DEFAULT 0);
           CREATE INDEX jobs_state ON jobs (state, seq);`);
  return {
    db,
    insert: db.prepare('INSERT INTO jobs (payload) VALUES (?)'),
    claimOne: db.prepare('UPDATE jobs SET state = 1 WHERE seq = (SELECT seq FROM jobs WHERE state = 0 ORDER BY seq LIMIT 1) RETURNING seq, payload'),
    claimMany: db.prepare('UPDATE jobs SET state = 1 WHERE seq IN (SELECT seq FROM jobs WHERE state = 0 ORDER BY seq LIMIT ?) RETURNING seq, payload'),
    complete: db.prepare('DELETE FROM jobs WHERE seq = ? AND state = 1'),
  };
}

/** Checks that the floor's table is empty (every job claimed and deleted once), and closes it. */
function closeFloor(db, n) {
  const left = db.prepare('SELECT count(*) FROM jobs').pluck().get();
  db.close();
  if (left !== 0) throw new Error(`floor: ${left} of ${n} jobs left in the table`);
  return {};
}
