// One adapter per library: each runs `n` jobs through the library with
// `workers` jobs at a time and resolves once every job has finished.
//
// Every adapter gets the same inputs, so the libraries differ only in how they
// queue and dispatch:
// - `makeJob(i)` builds the i-th job ({ id, payload }), at the moment it is offered;
// - `work(job)` is the asynchronous job itself (it counts the job as run);
// - `bounded`: whether to hold the backlog (queued + running) to
//   `queueSize + workers`. A library's own backpressure is used where it has
//   one (our `submit`, p-queue's `onSizeLessThan`); for the others the adapter
//   counts completions through the library's own per-job callback or promise
//   (the `Gate` below). Unbounded, a library without backpressure is fed
//   everything at once, as its users would;
// - `offered()` is called once per job accepted by the library, so that the
//   harness can track the backlog.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Gate: backpressure for the libraries that have none. The producer waits
 * while `pending` jobs (queued or running) reach `limit`, and is woken when
 * half of them have finished, so that it refills in batches rather than
 * paying a promise per job. `leave` is bound once: no closure per job.
 */
/**
 * Feeds `n` jobs to a queue whose `push(task, callback)` calls back when the
 * job is done (fastq's callback API, async.queue), holding at most `limit`
 * jobs taken and not finished: the harness's backpressure for libraries that
 * have none of their own.
 */
async function pushGated(queue, limit, n, makeJob, offered) {
  const gate = new Gate(limit);
  for (let i = 0; i < n; i++) {
    if (gate.pending >= gate.limit) await gate.wait();
    gate.pending++;
    queue.push(makeJob(i), gate.leave);
    offered();
  }
}

class Gate {
  constructor(limit) {
    this.limit = limit;
    this.half = limit >> 1;
    this.pending = 0;
    this.wake = undefined;
    this.wakeAt = 0;
    this.leave = this.leave.bind(this);
  }
  leave() {
    this.pending--;
    if (this.wake !== undefined && this.pending <= this.wakeAt) {
      const wake = this.wake;
      this.wake = undefined;
      wake();
    }
  }
  /** Resolves once `pending` is down to `at`. */
  wait(at = this.half) {
    this.wakeAt = at;
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }
  /** Resolves once every job that entered has left. */
  async drained() {
    if (this.pending > 0) await this.wait(0);
  }
}

export const libraries = {
  /** Ours: `await pool.submit(job)` is the backpressure. */
  async gochan(options) {
    const { WorkerPool } = await import('@gochan/pool');
    await gochanWith(WorkerPool, options, undefined);
  },

  /**
   * Ours with an observer on every event (observer.mjs): what a metrics
   * exporter does per job, counting and summing the timings.
   */
  async 'gochan, observed'(options) {
    const { WorkerPool } = await import('@gochan/pool');
    await gochanWith(WorkerPool, options, metricsObserver());
  },

  /**
   * Ours as built at POOL_BASELINE (metrics.mjs builds the commit before
   * the metrics there): what "metrics on" is measured against.
   */
  async 'gochan, no metrics'(options) {
    const { WorkerPool } = await import(process.env.POOL_BASELINE);
    await gochanWith(WorkerPool, options, undefined);
  },

  /**
   * Ours fed the way the harness feeds fastq: synchronously while the queue
   * has room (`trySubmit`), awaiting `submit` only when it is full. Go's
   * `jobs <- job` blocks only then, and costs no trip through the scheduler
   * otherwise; `await submit` costs a microtask per job even with room.
   */
  async 'gochan (trySubmit first)'(options) {
    const { WorkerPool } = await import('@gochan/pool');
    await gochanWith(WorkerPool, options, undefined, true);
  },

  /**
   * Ours as built before the observer existed (observer.mjs builds it and
   * names its dist in POOL_BASELINE): what "off" is measured against.
   */
  async 'gochan, before'(options) {
    const { WorkerPool } = await import(process.env.POOL_BASELINE);
    await gochanWith(WorkerPool, options, undefined);
  },

  /**
   * Not a library: the pool's pattern written directly on @gochan/channel (a
   * producer awaiting each send, workers ranging over the channel with
   * `for await`), to show what the pool adds to its channel.
   */
  async 'channel, no pool'({ workers, queueSize, n, makeJob, work, offered }) {
    const { Channel } = await import('@gochan/channel');
    const jobs = new Channel(queueSize);
    const resolved = Promise.resolve();
    const worker = async () => {
      for await (const job of jobs) await work(job);
    };
    const loops = Array.from({ length: workers }, worker);
    for (let i = 0; i < n; i++) {
      const job = makeJob(i);
      await (jobs.trySend(job) ? resolved : jobs.send(job));
      offered();
    }
    jobs.close();
    await Promise.all(loops);
  },

  /** fastq's callback API: `push(task, done)`; no backpressure of its own. */
  async 'fastq (callback)'({ workers, queueSize, n, makeJob, work, bounded, offered }) {
    const fastq = require('fastq');
    const queue = fastq((job, done) => {
      work(job).then(done, done);
    }, workers);
    await pushGated(queue, bounded ? queueSize + workers : Infinity, n, makeJob, offered);
    if (!queue.idle()) await new Promise((resolve) => (queue.drain = resolve));
  },

  /** fastq's promise API: `push(task)` returns the job's promise. */
  async 'fastq (promise)'({ workers, queueSize, n, makeJob, work, bounded, offered }) {
    const fastq = require('fastq');
    const queue = fastq.promise(work, workers);
    const gate = new Gate(bounded ? queueSize + workers : Infinity);
    for (let i = 0; i < n; i++) {
      if (gate.pending >= gate.limit) await gate.wait();
      gate.pending++;
      queue.push(makeJob(i)).then(gate.leave);
      offered();
    }
    await queue.drained();
  },

  /** p-queue: `onSizeLessThan` is its own backpressure; `add` takes a function, so one closure per job. */
  async 'p-queue'({ workers, queueSize, n, makeJob, work, bounded, offered }) {
    const { default: PQueue } = await import('p-queue');
    const queue = new PQueue({ concurrency: workers });
    for (let i = 0; i < n; i++) {
      if (bounded && queue.size >= queueSize) await queue.onSizeLessThan(queueSize);
      const job = makeJob(i);
      queue.add(() => work(job));
      offered();
    }
    await queue.onIdle();
  },

  /** p-limit: `limit(fn, ...args)`; no backpressure of its own. */
  async 'p-limit'({ workers, queueSize, n, makeJob, work, bounded, offered }) {
    const { default: pLimit } = await import('p-limit');
    const limit = pLimit(workers);
    const gate = new Gate(bounded ? queueSize + workers : Infinity);
    for (let i = 0; i < n; i++) {
      if (gate.pending >= gate.limit) await gate.wait();
      gate.pending++;
      limit(work, makeJob(i)).then(gate.leave);
      offered();
    }
    await gate.drained();
  },

  /** async.queue: `push(task, callback)`; its `saturated` events count running workers, not the queue. */
  async 'async.queue'({ workers, queueSize, n, makeJob, work, bounded, offered }) {
    const { queue: makeQueue } = require('async');
    const queue = makeQueue(work, workers);
    await pushGated(queue, bounded ? queueSize + workers : Infinity, n, makeJob, offered);
    if (!queue.idle()) await queue.drain();
  },
};

// Ours with the metrics timing one job in N (metrics.mjs, instructions.mjs):
// 'gochan, sampleEvery=N'; 0 keeps the counters and times nothing.
for (const every of [0, 1, 4, 8, 16, 32, 64, 128, 256]) {
  libraries[`gochan, sampleEvery=${every}`] = async (options) => {
    const { WorkerPool } = await import('@gochan/pool');
    await gochanWith(WorkerPool, options, undefined, false, { sampleEvery: every });
  };
}

/** Ours through `await pool.submit(job)` (after `trySubmit` when `trySubmitFirst`), with `observer` when given. */
async function gochanWith(WorkerPool, { workers, queueSize, n, makeJob, work, offered }, observer, trySubmitFirst = false, metrics = undefined) {
  const options = { workers, queueSize, handler: work };
  if (observer !== undefined) options.observer = observer;
  if (metrics !== undefined) options.metrics = metrics;
  const pool = new WorkerPool(options);
  for (let i = 0; i < n; i++) {
    const job = makeJob(i);
    if (!trySubmitFirst || !pool.trySubmit(job)) await pool.submit(job);
    offered();
  }
  const report = await pool.shutdown();
  if (report.stats.completed !== n || report.unfinished.length !== 0) {
    throw new Error(`gochan: ${report.stats.completed} of ${n} jobs completed`);
  }
  // With metrics, check what they computed: every job counted, and the histograms hold one in N.
  if (metrics !== undefined) {
    const read = pool.metrics();
    const sampled = metrics.sampleEvery === 0 ? 0 : Math.floor(n / metrics.sampleEvery);
    const total = (histogram) => histogram.counts.reduce((a, b) => a + b, 0);
    if (read.submitted !== n || read.started !== n || read.completed !== n || total(read.queueWait) !== sampled || total(read.run) !== sampled) {
      throw new Error(`gochan metrics: ${JSON.stringify({ ...read, queueWait: total(read.queueWait), run: total(read.run) })}, expected ${n} and ${sampled} sampled`);
    }
  }
}

/** An observer that does what a metrics exporter does: a counter per event, a sum per timing. */
function metricsObserver() {
  const totals = { submitted: 0, started: 0, finished: 0, failed: 0, retried: 0, queueWaitMs: 0, runMs: 0 };
  return {
    totals,
    submit: () => void totals.submitted++,
    start: ({ queueWaitMs }) => {
      totals.started++;
      totals.queueWaitMs += queueWaitMs ?? 0;
    },
    finish: ({ runMs }) => {
      totals.finished++;
      totals.runMs += runMs;
    },
    fail: () => void totals.failed++,
    retry: () => void totals.retried++,
    shutdown: () => {
      if (totals.finished !== totals.started) throw new Error(`observer: ${totals.started} started, ${totals.finished} finished`);
    },
  };
}
