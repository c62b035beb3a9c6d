// The two SQLite bindings called directly, no store between: the claim's
// statement (UPDATE … RETURNING 1000 rows) and the completion's DELETE, on
// the store's table and indexes, CPU time per row, medians of 7, in one
// process taking turns.   node bench/sqlite/drivers-raw.mjs   (Node 24+)
import B from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
const dir = mkdtempSync(join(os.tmpdir(), 'gochan-bench-drivers-raw-'));
const N = 20000;
let files = 0;
const schema = `CREATE TABLE j (seq INTEGER PRIMARY KEY, queue TEXT NOT NULL, id TEXT NOT NULL, payload TEXT NOT NULL, deadline INTEGER, state INTEGER NOT NULL, due INTEGER NOT NULL, token TEXT, failures INTEGER NOT NULL DEFAULT 0) STRICT; CREATE UNIQUE INDEX jl ON j (queue, id) WHERE state < 2; CREATE INDEX jd ON j (queue, state, due);`;
function bench(name, open) {
  const path = join(dir, `${name}-${++files}.db`);
  const db = open(path);
  db.exec('PRAGMA journal_mode=wal'); db.exec('PRAGMA synchronous=normal'); db.exec(schema);
  const ins = db.prepare('INSERT INTO j (queue, id, payload, deadline, state, due) VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT DO NOTHING');
  db.exec('BEGIN IMMEDIATE');
  for (let i = 0; i < N; i++) ins.run('tasks', `job-${i}`, '{"task":"resize"}', null, 0);
  db.exec('COMMIT');
  const take = db.prepare(`UPDATE j SET state = 1, token = ? || seq || '@' || due, due = ? WHERE seq IN (SELECT seq FROM j WHERE queue = ? AND state = 0 AND due <= ? ORDER BY due, seq LIMIT ?) RETURNING seq, id, payload, deadline, failures, token`);
  const del = db.prepare(`DELETE FROM j WHERE queue = ? AND id = ? AND state < 2 AND state = 1 AND token = ? AND due > ?`);
  let u = process.cpuUsage(); let tTake = 0, tDel = 0;
  for (let k = 0; k < N / 1000; k++) {
    let c = process.cpuUsage();
    db.exec('BEGIN IMMEDIATE'); const rows = take.all('p.', 10, 'tasks', 1, 1000); db.exec('COMMIT');
    tTake += process.cpuUsage(c).user;
    c = process.cpuUsage();
    db.exec('BEGIN IMMEDIATE'); for (const r of rows) del.run('tasks', r.id, r.token, 5); db.exec('COMMIT');
    tDel += process.cpuUsage(c).user;
  }
  db.close();
  return [tTake / N, tDel / N];
}
const res = { b: [], n: [] };
for (let r = 0; r < 7; r++) { res.b.push(bench('b', (p) => new B(p))); res.n.push(bench('n', (p) => new DatabaseSync(p))); }
const med = (v) => v.sort((a, b) => a - b)[3].toFixed(2);
rmSync(dir, { recursive: true, force: true });
console.log(`Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const [k, v] of Object.entries(res)) console.log(k === 'b' ? 'better-sqlite3' : 'node:sqlite   ', 'claim (UPDATE … RETURNING) CPU µs a row', med(v.map((x) => x[0])), 'complete (DELETE) CPU µs a row', med(v.map((x) => x[1])));
