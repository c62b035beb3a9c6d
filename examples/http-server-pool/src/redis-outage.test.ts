import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { linesByTask, Program } from '../../http-server/src/test-program.js';
import { hasRedis, sleep, startRedis, type RedisServer } from '../../../packages/store-redis/src/test-helpers.js';

// Redis stops answering mid-submit (SIGSTOP, for longer than the store's 5 s
// command timeout): submits sent once it has left commands unanswered that
// long get 503 with Retry-After and a reason, not a bare 500; those sent as
// it stopped get 503 too, or wait for Redis's own answer, as the store
// chooses. Then Redis carries on (SIGCONT), and the test counts what ran of
// each answer: a 200 ran once; a 503 that says "not added" never ran; one
// that says "not confirmed" (the command was sent and may yet be applied)
// ran at most once.

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
let redis: RedisServer;
const programs: Program[] = [];

/** The redis-server's pid, as it says in INFO server. */
function redisPid(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.on('error', reject);
    socket.on('connect', () => socket.write('INFO server\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      const match = /process_id:(\d+)/.exec(reply);
      if (match) {
        socket.destroy();
        resolve(Number(match[1]));
      }
    });
  });
}

interface Answer {
  readonly id: string;
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: string;
}

/** Resolves as `promise` does, or fails after `ms` naming `what`. */
async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms to ${what}`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe.runIf(hasRedis)('http-server-pool when Redis stops answering mid-submit', () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const program of programs) program.kill('SIGKILL');
    await redis?.remove();
  });

  test('submits sent once Redis has been stopped past the submit timeout get 503 with Retry-After and a reason; a 200 ran once, a "not added" never', async () => {
    const program = new Program(main, { PORT: '0', STORE: `${redis.url}/0`, QUEUE: 'outage', TASK_MS: '20', WORKERS: '2', LEASE_MS: '2000' });
    programs.push(program);
    const base = await program.started();
    const get = async (id: string): Promise<Answer> => {
      const response = await fetch(`${base}/task/${id}`);
      return { id, status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() };
    };
    expect((await get('before')).status).toBe(200);
    await program.waitFor(/finished task ID before$/);
    // Its completion written to Redis too: a completion caught by the outage is lost today, and the task runs
    // again after its lease (issue 23's store half). That is not what this test is about.
    for (let i = 0; i < 200; i++) {
      const { store } = (await (await fetch(`${base}/stats`)).json()) as { store: { completed: number; running: number } };
      if (store.completed === 1 && store.running === 0) break;
      await sleep(20);
    }

    const pid = await redisPid(redis.port);
    process.kill(pid, 'SIGSTOP');
    const stoppedAt = Date.now();
    let early: Promise<Answer[]>;
    let late: Answer[];
    try {
      // Sent as Redis stops: their commands go out and get no answer. A store may answer them 503 when its
      // 5 s are up (it cannot say whether Redis will apply them), or wait for Redis's own answer.
      early = Promise.all(Array.from({ length: 5 }, (_, i) => get(`early${i}`)));
      // Past the store's 5 s (and its watchdog's 1 s tick): Redis has left commands unanswered for longer than
      // the submit timeout. What comes now gets 503 while Redis is still stopped.
      await sleep(6_500);
      late = await within(15_000, Promise.all(Array.from({ length: 5 }, (_, i) => get(`late${i}`))), 'the submits sent while Redis was stopped');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const stoppedMs = Date.now() - stoppedAt;
    const during = [...(await within(30_000, early, 'the first submits, once Redis answered again')), ...late];
    for (const answer of late) expect(answer.status, answer.body).toBe(503);
    for (const answer of during) {
      expect([200, 503], answer.body).toContain(answer.status);
      if (answer.status === 200) {
        expect(answer.body).toBe(`Task ID ${answer.id} added\n`);
        continue;
      }
      expect(answer.retryAfter).toMatch(/^[1-9]\d*$/);
      expect(answer.body).toMatch(new RegExp(`^Task ID ${answer.id} not (added|confirmed): the task store .*\\(.+\\)`));
    }
    const warning = program.stderr.find((line) => line.startsWith('Store unavailable: answered 503 to '));
    expect(warning).toMatch(/^Store unavailable: answered 503 to \d+ submit\(s\) \(the last, task ID \w+: .+\)$/);
    expect(program.stderr.some((line) => /Internal server error|GET \/task/.test(line))).toBe(false);

    // Redis answers again. Tasks sent now come after any of the cut ones
    // that Redis applied late: once these have run, those have been claimed.
    const after = [];
    for (let i = 0; i < 4; i++) after.push(await get(`after${i}`));
    expect(after.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    for (let i = 0; i < 4; i++) await program.waitFor(new RegExp(`finished task ID after${i}$`));
    await sleep(500);

    const okRan = during.filter((answer) => answer.status === 200);
    const runs = (id: string): number => (linesByTask(program.stdout).get(id) ?? []).filter((line) => line.startsWith('finished')).length;
    for (const id of ['before', 'after0', 'after1', 'after2', 'after3', ...okRan.map((answer) => answer.id)]) expect(runs(id), id).toBe(1);
    const notAdded = during.filter((answer) => / not added: /.test(answer.body));
    const notConfirmed = during.filter((answer) => / not confirmed: /.test(answer.body));
    for (const answer of notAdded) expect(runs(answer.id), `${answer.id} was answered "not added"`).toBe(0);
    for (const answer of notConfirmed) expect(runs(answer.id), answer.id).toBeLessThanOrEqual(1);
    // What happened, for the record (the report of issue 23 quotes it).
    console.log(
      `redis-outage: Redis stopped ${stoppedMs} ms; of ${during.length} submits sent meanwhile, ${okRan.length} answered 200 (each ran once), ` +
        `${notAdded.length} 503 "not added" (none ran), ${notConfirmed.length} 503 "not confirmed" (${notConfirmed.filter((answer) => runs(answer.id) > 0).length} ran once Redis came back)`,
    );
    program.kill('SIGTERM');
    expect(await program.exit()).toBe(0);
  }, 60_000);
});
