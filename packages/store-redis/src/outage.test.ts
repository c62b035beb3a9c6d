// Redis cut at chosen moments while a pool on RedisStore submits and runs
// tasks: frozen (SIGSTOP) mid-submit, killed (SIGKILL) mid-submit, killed
// and restarted for less than the lease while tasks finish. Each test counts
// what was answered, what ran and how often, and holds the store to the
// README's "what each answer means".
import { StoreUnavailableError, WorkerPool, type Job } from '@gochan/pool';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RedisStore } from './redis-store.js';
import { hasRedis, sleep, startRedis, type RedisServer } from './test-helpers.js';

type Answer = 'added' | 'duplicate' | `unavailable:${string}` | `other:${string}`;

/** A pool on its own Redis, submitting task ids in bursts, and counting answers and runs. */
async function harness(server: RedisServer, options: { leaseMs: number; taskMs: number }) {
  const store = await RedisStore.open({ url: server.url, queue: 'outage', leaseMs: options.leaseMs, blockMs: 200 });
  const runs = new Map<string, number>();
  const pool = new WorkerPool<number>({
    workers: 8,
    prefetch: 8,
    queueSize: 10_000,
    store,
    handler: async (job: Job<number>) => {
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      await sleep(options.taskMs);
    },
  });
  const answers = new Map<string, Answer>();
  const settled: Promise<void>[] = [];
  /** When each submit was sent and answered (ms since the epoch). */
  const times = new Map<string, [number, number]>();
  let next = 0;
  const submit = (n: number): void => {
    for (let i = 0; i < n; i++) {
      const id = `t${next++}`;
      const sent = Date.now();
      settled.push(
        pool.submit({ id, payload: next }).then(
          (result) => void answers.set(id, result),
          (error: unknown) =>
            void answers.set(id, error instanceof StoreUnavailableError ? `unavailable:${error.reason}` : `other:${String((error as Error)?.message ?? error)}`),
        ).finally(() => times.set(id, [sent, Date.now()])),
      );
    }
  };
  /** Submits `burst` tasks every 20 ms for `ms`. */
  const submitFor = async (ms: number, burst = 3): Promise<void> => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      submit(burst);
      await sleep(20);
    }
  };
  /** Waits for every answer, then for the queue to drain, then a little for any late run. */
  const drain = async (): Promise<void> => {
    await Promise.all(settled);
    for (let i = 0; i < 600; i++) {
      const { waiting, running } = store.counts();
      const pending = [...answers].filter(([id, a]) => (a === 'added' || a === 'duplicate') && !runs.has(id)).length;
      if (waiting === 0 && running === 0 && pending === 0) break;
      await sleep(50);
    }
    await sleep(300);
  };
  const close = async (): Promise<void> => {
    await pool.shutdown({ timeout: 1_000 });
    await store.close();
  };
  return { store, pool, runs, answers, times, submit, submitFor, drain, close };
}

/** The answers by kind: { added: n, 'unavailable:stalled': n, … }. */
function tally(answers: Map<string, Answer>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers.values()) {
    const kind = answer.startsWith('other:') ? 'other' : answer;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

describe.runIf(hasRedis)('RedisStore under outages: every answer tells the truth', () => {
  let server: RedisServer;
  beforeEach(async () => {
    server = await startRedis({ appendfsync: 'always' });
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    server.resume();
    await server.remove();
  });

  it('Redis frozen mid-submit (SIGSTOP 6.5 s): a submit is answered only with what Redis did; one answered added runs once, one refused never runs', async () => {
    const h = await harness(server, { leaseMs: 15_000, taskMs: 20 });
    try {
      await h.submitFor(400);
      const stoppedAt = Date.now();
      server.pause();
      await h.submitFor(6_500); // past the 5 s after which the store calls Redis stalled
      server.resume();
      const resumedAt = Date.now();
      await h.submitFor(400);
      await h.drain();
      const counts = tally(h.answers);
      console.log(`SIGSTOP mid-submit: answers ${JSON.stringify(counts)}`);
      // Sent while frozen, answered only after the thaw: these waited for Redis's word.
      const waited = [...h.times].filter(([, [sent, answered]]) => sent >= stoppedAt && sent < stoppedAt + 4_000 && answered >= resumedAt).length;
      expect(waited).toBeGreaterThan(0);
      expect(counts['unavailable:stalled']).toBeGreaterThan(0);
      expect(counts.other).toBeUndefined();
      for (const [id, answer] of h.answers) {
        if (answer === 'added') expect(h.runs.get(id), `${id} answered added`).toBe(1);
        else expect(h.runs.get(id), `${id} answered ${answer}`).toBeUndefined();
      }
      // No lease was lost (15 s, the stop 6.5 s), and none is reported lost.
      const stats = h.pool.stats().store!;
      console.log(`SIGSTOP mid-submit: ${JSON.stringify({ ...stats, engine: undefined })}`);
      expect(stats).toMatchObject({ invalidJobs: 0, leasesLost: 0, writesRefused: 0, writesAbandoned: 0 });
    } finally {
      await h.close();
    }
  }, 60_000);

  it('Redis killed mid-submit and back 800 ms later (appendfsync always): refused or withdrawn submits never run; every added one runs', async () => {
    const h = await harness(server, { leaseMs: 15_000, taskMs: 20 });
    try {
      await h.submitFor(300, 20);
      h.submit(200); // a batch in flight at the kill
      await server.stop('SIGKILL');
      await h.submitFor(800, 5);
      await server.start();
      await h.submitFor(300, 5);
      await h.drain();
      const counts = tally(h.answers);
      console.log(`SIGKILL mid-submit: answers ${JSON.stringify(counts)}`);
      expect(counts['unavailable:offline']).toBeGreaterThan(0);
      expect(counts.other).toBeUndefined();
      for (const [id, answer] of h.answers) {
        if (answer === 'added') expect(h.runs.get(id) ?? 0, `${id} answered added`).toBeGreaterThanOrEqual(1);
        else expect(h.runs.get(id), `${id} answered ${answer}`).toBeUndefined();
      }
    } finally {
      await h.close();
    }
  }, 60_000);

  it('Redis restarted for less than the lease while tasks finish: every completion lands, no task runs twice', async () => {
    const h = await harness(server, { leaseMs: 6_000, taskMs: 300 });
    try {
      h.submit(60);
      await sleep(450); // tasks are running and finishing
      await server.stop('SIGKILL');
      await sleep(1_500);
      await server.start();
      await h.drain();
      const stats = h.pool.stats().store!;
      console.log(`restart while tasks finish: ${JSON.stringify({ ran: h.runs.size, twice: [...h.runs.values()].filter((n) => n > 1).length, ...stats, engine: undefined })}`);
      expect(tally(h.answers)).toEqual({ added: 60 });
      expect([...h.runs].filter(([, n]) => n !== 1)).toEqual([]);
      expect(h.runs.size).toBe(60);
      expect(stats.writesRetried).toBeGreaterThan(0);
      expect(stats.writesAbandoned).toBe(0);
      expect(stats).toMatchObject({ waiting: 0, running: 0, completed: 60 });
    } finally {
      await h.close();
    }
  }, 60_000);
});
