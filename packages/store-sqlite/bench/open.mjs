// How long opening a store takes (SQLite's quick_check of every page) with
// many jobs waiting in it:   node packages/store-sqlite/bench/open.mjs [jobs]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../dist/index.js';

const jobs = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'gochan-sqlite-open-'));
try {
  const path = join(dir, 'open.db');
  const store = new SqliteStore(path, { synchronous: 'normal' });
  const payload = JSON.stringify({ task: 'resize', width: 640 });
  for (let i = 0; i < jobs; i += 5_000) {
    await Promise.all(Array.from({ length: 5_000 }, (_, k) => store.add({ id: `job-${i + k}`, payload, deadline: undefined })));
  }
  await store.close();
  const opens = [];
  for (let r = 0; r < 3; r++) {
    const start = performance.now();
    const again = new SqliteStore(path);
    opens.push(performance.now() - start);
    await again.close();
  }
  opens.sort((a, b) => a - b);
  console.log(`open with ${jobs} jobs waiting (${(statSync(path).size / 1e6).toFixed(1)} MB): ${opens[1].toFixed(0)} ms (median of 3)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
