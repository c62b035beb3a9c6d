import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { linesByTask, Program } from '../../http-server/src/test-program.js';
import { hasRedis, sleep, startRedis, type RedisServer } from '../../../packages/store-redis/src/test-helpers.js';

// Redis stops answering mid-submit (SIGSTOP, for longer than the store's 5 s
// command timeout): the submits get 503 with Retry-After and a reason, not a
// bare 500; then Redis carries on (SIGCONT), and the test counts what ran of
// each answer. A 200 ran once; a 503 that says "not added" never ran; one
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

describe.runIf(hasRedis)('http-server-pool when Redis stops answering mid-submit', () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const program of programs) program.kill('SIGKILL');
    await redis?.remove();
  });

  test('the submits get 503 with Retry-After and a reason; after it, a 200 ran once and no 503 ran twice', async () => {
    const program = new Program(main, { PORT: '0', STORE: `${redis.url}/0`, QUEUE: 'outage', TASK_MS: '20', WORKERS: '2', LEASE_MS: '2000' });
    programs.push(program);
    const base = await program.started();
    const get = async (id: string): Promise<{ id: string; status: number; retryAfter: string | null; body: string }> => {
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
    let during: Awaited<ReturnType<typeof get>>[];
    try {
      // Sent while Redis is stopped; the store gives up on each after its 5 s.
      during = await Promise.all(Array.from({ length: 10 }, (_, i) => get(`cut${i}`)));
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    for (const answer of during) {
      expect(answer.status, answer.body).toBe(503);
      expect(answer.retryAfter).toMatch(/^\d+$/);
      expect(answer.body).toMatch(new RegExp(`^Task ID ${answer.id} not (added|confirmed): the task store .*\\(.+\\)`));
    }
    const warning = program.stderr.find((line) => line.startsWith('Store unavailable: answered 503 to '));
    expect(warning).toMatch(/^Store unavailable: answered 503 to \d+ submit\(s\) \(the last, task ID cut\d: .+\)$/);
    expect(program.stderr.some((line) => /Internal server error|GET \/task/.test(line))).toBe(false);

    // Redis answers again. Tasks sent now come after any of the cut ones
    // that Redis applied late: once these have run, those have been claimed.
    const after = [];
    for (let i = 0; i < 4; i++) after.push(await get(`after${i}`));
    expect(after.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    for (let i = 0; i < 4; i++) await program.waitFor(new RegExp(`finished task ID after${i}$`));
    await sleep(500);

    const runs = (id: string): number => (linesByTask(program.stdout).get(id) ?? []).filter((line) => line.startsWith('finished')).length;
    for (const id of ['before', 'after0', 'after1', 'after2', 'after3']) expect(runs(id), id).toBe(1);
    const notAdded = during.filter((answer) => / not added: /.test(answer.body));
    const notConfirmed = during.filter((answer) => / not confirmed: /.test(answer.body));
    for (const answer of notAdded) expect(runs(answer.id), `${answer.id} was answered "not added"`).toBe(0);
    for (const answer of notConfirmed) expect(runs(answer.id), answer.id).toBeLessThanOrEqual(1);
    // What happened, for the record (the report of issue 23 quotes it).
    console.log(
      `redis-outage: ${during.length} answered 503 (${notAdded.length} "not added", ${notConfirmed.length} "not confirmed"); ` +
        `of those, ${during.filter((answer) => runs(answer.id) > 0).length} ran once Redis came back`,
    );
    program.kill('SIGTERM');
    expect(await program.exit()).toBe(0);
  }, 60_000);
});
