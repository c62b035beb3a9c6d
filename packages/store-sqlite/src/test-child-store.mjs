// A child process for the crash and multi-process tests: it drives a
// SqliteStore (the built package) and writes one line per event to stdout
// with writeSync, so a line is out before the next step begins and a
// SIGKILL cannot lose a line for an event that happened.
//
//   node test-child-store.mjs <file> crash <plan JSON>   adds, completes, fails, in rounds, until killed
//   node test-child-store.mjs <file> claim <pollMs>      claims and completes until SIGTERM
import { writeSync } from 'node:fs';
import { SqliteStore } from '../dist/index.js';

const [path, mode, arg] = process.argv.slice(2);
const say = (line) => writeSync(1, `${line}\n`);

if (mode === 'crash') {
  const plan = JSON.parse(arg);
  const store = new SqliteStore(path, { synchronous: plan.synchronous, leaseMs: 60_000 });
  const payload = JSON.stringify('p'.repeat(plan.payloadBytes));
  say('ready');
  for (let round = 0; ; round++) {
    const batch = plan.batches[round % plan.batches.length];
    const ids = Array.from({ length: batch }, (_, i) => `r${round}-${i}`);
    for (const id of ids) say(`adding ${id}`);
    await Promise.all(ids.map((id) => store.add({ id, payload, deadline: undefined }).then(() => say(`added ${id}`))));
    const claimed = await store.claim(batch, AbortSignal.timeout(5_000));
    // The job mix: most complete, some fail and wait for a retry an hour away, some stay running.
    await Promise.all(
      claimed.map((job, i) => {
        const pick = (i * 7 + round) % 10;
        if (pick < plan.completeOutOf10) {
          say(`completing ${job.id}`);
          return store.complete(job).then(() => say(`completed ${job.id}`));
        }
        if (pick < plan.completeOutOf10 + 2) return store.fail(job, 'Error: flaky', Date.now() + 3_600_000).then(() => say(`failed ${job.id}`));
        return undefined;
      }),
    );
  }
} else if (mode === 'claim') {
  const store = new SqliteStore(path, { pollMs: Number(arg), leaseMs: 60_000 });
  const stop = new AbortController();
  process.on('SIGTERM', () => stop.abort());
  say('ready');
  try {
    for (;;) {
      const jobs = await store.claim(16, stop.signal);
      for (const job of jobs) say(`claimed ${job.id}`);
      await Promise.all(jobs.map((job) => store.complete(job)));
    }
  } catch (error) {
    if (!stop.signal.aborted) throw error;
  }
  await store.close();
} else {
  throw new Error(`unknown mode ${mode}`);
}
