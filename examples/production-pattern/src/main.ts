// The first article's full program: 3 workers, 5 jobs of 500 ms each, then a
// graceful shutdown. It prints the article's lines:
//
//   Worker 1 started job 1 ... Worker 3 finished job 5, then Shutdown complete
//
// Environment (for tests and for playing): JOB_MS (500) is each job's work,
// JOB_TIMEOUT_MS (10000) each job's deadline, SHUTDOWN_TIMEOUT_MS (10000)
// the longest the shutdown waits for the workers.
import { background, withTimeout, type CancelFunc } from '@gochan/context';
import { integerFromEnv } from './env.js';
import { shutdown } from './shutdown.js';
import { startWorkers } from './start-workers.js';

const NUM_WORKERS = 3;
const NUM_JOBS = 5;

function readSettings() {
  try {
    return {
      jobMs: integerFromEnv('JOB_MS', 500),
      jobTimeoutMs: integerFromEnv('JOB_TIMEOUT_MS', 10_000),
      shutdownTimeoutMs: integerFromEnv('SHUTDOWN_TIMEOUT_MS', 10_000),
    };
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}

const { jobMs, jobTimeoutMs, shutdownTimeoutMs } = readSettings();

// 1. Start the workers before there is any work.
const [jobs, wg] = startWorkers(NUM_WORKERS, jobMs);

// 2. Send the work; each job carries its own deadline. Its cancel function
//    is Go's `defer cancel()`: called once the job can no longer need it.
const encoder = new TextEncoder();
const cancels: CancelFunc[] = [];
for (let j = 1; j <= NUM_JOBS; j++) {
  const [ctx, cancel] = withTimeout(background(), jobTimeoutMs);
  cancels.push(cancel);
  await jobs.send({ id: String(j), payload: encoder.encode(`job ${j}`), ctx });
}

// 3. Graceful shutdown: no more jobs, and wait (bounded) for the workers.
const finished = await shutdown(jobs, wg, shutdownTimeoutMs);
for (const cancel of cancels) {
  cancel();
}
if (!finished) {
  console.error(`Shutdown timed out after ${shutdownTimeoutMs} ms: ${wg.count} worker(s) still busy`);
  process.exit(1);
}
console.log('Shutdown complete');
