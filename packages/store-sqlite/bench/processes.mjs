// Several processes draining one queue in one file: 20k jobs are added,
// then 1, 2 and 4 processes claim (64 at a time) and complete them.
//   node packages/store-sqlite/bench/processes.mjs [jobs]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '../dist/index.js';

if (process.argv[2] === 'drain') {
  // A child: claim and complete until nothing comes for 300 ms; reports its count and when it completed its last.
  const store = new SqliteStore(process.argv[3], { pollMs: 10 });
  let done = 0;
  let last = Date.now();
  for (;;) {
    let claimed;
    try {
      claimed = await store.claim(64, AbortSignal.timeout(300));
    } catch {
      break;
    }
    await Promise.all(claimed.map((job) => store.complete(job)));
    done += claimed.length;
    last = Date.now();
  }
  await store.close();
  console.log(`${done} ${last}`);
} else {
  const jobs = Number(process.argv[2] ?? 20_000);
  const dir = mkdtempSync(join(tmpdir(), 'gochan-sqlite-procs-'));
  try {
    for (const synchronous of ['full', 'normal']) {
      for (const processes of [1, 2, 4]) {
        const path = join(dir, `${synchronous}-${processes}.db`);
        const store = new SqliteStore(path, { synchronous });
        for (let i = 0; i < jobs; i += 1_000) {
          await Promise.all(Array.from({ length: 1_000 }, (_, k) => store.add({ id: `job-${i + k}`, payload: '{}', deadline: undefined })));
        }
        await store.close();
        const start = Date.now();
        const counts = await Promise.all(
          Array.from({ length: processes }, () => new Promise((resolve, reject) => {
            const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'drain', path], { stdio: ['ignore', 'pipe', 'inherit'] });
            let out = '';
            child.stdout.on('data', (chunk) => (out += chunk));
            child.on('close', (code) => (code === 0 ? resolve(out.trim().split(' ').map(Number)) : reject(new Error(`drain exited ${code}`))));
          })),
        );
        const seconds = (Math.max(...counts.map(([, last]) => last)) - start) / 1000;
        const total = counts.reduce((a, [done]) => a + done, 0);
        if (total !== jobs) throw new Error(`drained ${total} of ${jobs}`);
        console.log(`synchronous=${synchronous}, ${processes} process(es): ${Math.round(jobs / seconds)} claim+complete/s (split ${counts.map(([done]) => done).join('/')}, process start-up included)`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
