// Plain JavaScript, as a user of the published packages writes it: Node
// resolves each import through the installed package's `exports`.
import { Channel, after, recv, select } from '@gochan/channel';
import { DeadlineExceeded, background, withTimeout } from '@gochan/context';
import { WorkerPool } from '@gochan/pool';
import { WaitGroup } from '@gochan/waitgroup';
import { Ticker } from '@gochan/channel';
import { withContext } from '@gochan/errgroup';
import { Weighted } from '@gochan/semaphore';
import { Mutex } from '@gochan/sync';

const ch = new Channel(1);
await ch.send('hello');
console.log('channel', JSON.stringify(await ch.recv()));

const [index] = await select([recv(new Channel()), recv(after(5))]);
console.log('select', index);

const wg = new WaitGroup();
let ran = 0;
for (let i = 0; i < 3; i++) wg.go(async () => void ran++);
await wg.wait();
console.log('waitgroup', ran);

const [ctx, cancel] = withTimeout(background(), 5);
await ctx.done().recv();
console.log('context', ctx.err() === DeadlineExceeded, ctx.signal.aborted);
cancel();

const pool = new WorkerPool({ workers: 2, handler: (job) => job.payload * 2 });
console.log('pool', await pool.run({ id: 'answer', payload: 21 }));
const report = await pool.shutdown();
console.log('shutdown', report.timedOut);

const ticker = new Ticker(2);
await ticker.c.recv();
ticker.stop();
const [g, gctx] = withContext(background());
g.go(() => {
  throw new Error('first');
});
console.log('errgroup', await g.wait().catch((e) => e.message), gctx.err() !== undefined);
const mu = new Mutex();
await mu.lock();
console.log('sync', mu.tryLock());
mu.unlock();
const sem = new Weighted(2);
console.log('semaphore', sem.tryAcquire(2), sem.tryAcquire(1));

// The stores, Node only: a job survives in a SQLite file; RedisStore needs a server, so only its import here.
const { mkdtempSync, rmSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const { join } = await import('node:path');
const { SqliteStore } = await import('@gochan/store-sqlite');
const { RedisStore } = await import('@gochan/store-redis');
const folder = mkdtempSync(join(tmpdir(), 'gochan-user-'));
const store = new SqliteStore(join(folder, 'jobs.db'));
let done;
const finished = new Promise((resolve) => (done = resolve));
const stored = new WorkerPool({ workers: 1, store, handler: () => done() });
const results = [await stored.submit({ id: 'a', payload: { n: 1 } }), await stored.submit({ id: 'a', payload: { n: 2 } })];
await finished;
await stored.shutdown();
console.log('store-sqlite', ...results, store.counts().completed, 'completed');
await store.close();
rmSync(folder, { recursive: true, force: true });
console.log('store-redis', typeof RedisStore.open);

// The test runtime, Node only: a run under fast-check's scheduler (its peer
// dependency, installed beside it), and the deadlock report of one that cannot finish.
const { scheduler, DeadlockError } = await import('@gochan/testing');
const { default: fc } = await import('fast-check');
const [s] = fc.sample(scheduler(), { seed: 1, numRuns: 1 });
const stuck = await s.run(() => new Channel().recv()).catch((error) => error);
console.log('testing', await s.run(async () => 7), stuck instanceof DeadlockError);

// Goroutines on a thread, from the installed package: its worker entry is found beside it.
const threads = await import('@gochan/threads');
const sum = await threads.go('data:text/javascript,export default (a, b) => a + b', 2, 3);
await threads.close();
console.log('threads', sum);
