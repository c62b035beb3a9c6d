// `pnpm bench sync`: gochan's Mutex, Weighted and Ticker side by side with
// the npm packages people use for each (async-mutex, @king011/easyts;
// async-sema, async-mutex's Semaphore, p-limit; easyts's Ticker). Every run is a fresh process
// (child.mjs) that checks what it computed; the rounds interleave the
// libraries so that a noisy neighbour hits all of them alike. Writes the
// "Mutex, semaphore and ticker" section of RESULTS.md.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const workloads = [
  { name: 'mutex, one task (uncontended)', operations: 400_000, libraries: ['gochan', 'async-mutex', '@king011/easyts'] },
  { name: 'mutex, 8 tasks that await inside the lock', operations: 200_000, libraries: ['gochan', 'async-mutex', '@king011/easyts'] },
  { name: 'semaphore of 4, 8 tasks', operations: 200_000, libraries: ['gochan', 'async-sema', 'async-mutex', 'p-limit'] },
  { name: 'ticker, 1000 tickers of 1 ms, a receiver each (ticks per CPU second)', operations: 1, libraries: ['gochan', '@king011/easyts'] },
  { name: 'ticker: make, reset, stop', operations: 200_000, libraries: ['gochan', '@king011/easyts'] },
];
const child = new URL('./child.mjs', import.meta.url).pathname;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const rows = [];
for (const workload of workloads) {
  const samples = new Map(workload.libraries.map((library) => [library, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const library of workload.libraries) {
      const out = execFileSync(process.execPath, [child, library, workload.name, String(workload.operations)], { encoding: 'utf8' });
      samples.get(library).push(JSON.parse(out).ops);
    }
  }
  const gochan = median(samples.get('gochan'));
  for (const library of workload.libraries) {
    const ops = median(samples.get(library));
    rows.push(`| ${workload.name} | ${library} | ${(ops / 1e6).toFixed(3)} M/s | ${(gochan / ops).toFixed(2)}× |`);
    console.log(rows.at(-1));
  }
}

const section = `<!-- sync:start -->
## Mutex, semaphore and ticker

Lock/unlock and acquire/release pairs per second, the median of ${ROUNDS}
runs per library, each in a fresh process, interleaved; every run checks
that each critical section ran once and that no more than one holder (mutex)
or four (semaphore) were ever inside. The ticker rows are ticks received per
second of process CPU time with 1000 tickers of 1 ms running for 1.5 s
(every receiver got ticks, none more than the period allows), and
make/reset/stop cycles per second (no timer left at the end). "gochan ×" is gochan's rate divided by
the library's: above 1, gochan is faster. Node ${process.version}, ${os.cpus().length} shared
cores, ${new Date().toISOString().slice(0, 10)}.

| workload | library | rate | gochan × |
|---|---|---|---|
${rows.join('\n')}

Semantics differ, and the table does not price them: gochan's \`lock\` and
\`acquire\` take an \`AbortSignal\` per wait and serve waiters strictly first
come, first served (\`tryLock\` cannot barge); @king011/easyts's
\`lock()\` returns \`undefined\` when the mutex is free (no promise to await,
which is most of its lead on the uncontended loop); async-mutex resolves
\`acquire\` to a release function; p-limit runs the function for you and
cannot withdraw a queued call. gochan's Ticker keeps Go's schedule (ticks
fall on start + k × period, read from the monotonic clock at each tick and
each start, which is most of what it costs over a bare timer; a full channel
drops the new tick) and Go 1.23's stop/reset (no stale tick after they
return); easyts's Ticker is a \`setInterval\` that drifts with the event loop
and, when its channel is full, replaces the waiting tick with the new one.
<!-- sync:end -->`;
const path = new URL('../RESULTS.md', import.meta.url);
const results = readFileSync(path, 'utf8');
const updated = results.includes('<!-- sync:start -->')
  ? results.replace(/<!-- sync:start -->[\s\S]*<!-- sync:end -->/, section)
  : `${results.trimEnd()}\n\n${section}\n`;
writeFileSync(path, updated);
