import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { linesByTask, Program } from '../../http-server/src/test-program.js';
import { hasRedis, startRedis, type RedisServer } from '../../../packages/store-redis/src/test-helpers.js';

// Three servers on one Redis, one queue (STORE=redis://…), end to end: the
// built program, as the README's three terminals run it. A task sent to any
// runs once, on whichever server has a free worker; a server killed with
// SIGKILL leaves its running tasks to the others once their lease is out;
// the same id sent to two servers while queued runs once.

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const LEASE_MS = 1_000;
let redis: RedisServer;
let queues = 0;

/** Three servers on one fresh queue. */
async function three(env: Record<string, string>): Promise<[Program[], string[]]> {
  const queue = `e2e-${++queues}`;
  const programs = Array.from(
    { length: 3 },
    () => new Program(main, { PORT: '0', STORE: `${redis.url}/0`, QUEUE: queue, LEASE_MS: String(LEASE_MS), WORKERS: '2', ...env }),
  );
  return [programs, await Promise.all(programs.map((program) => program.started()))];
}

/** What each task did on each server: task id -> [server index, line] in order. */
function runs(programs: readonly Program[]): Map<string, [number, string][]> {
  const byTask = new Map<string, [number, string][]>();
  programs.forEach((program, index) => {
    for (const [id, lines] of linesByTask(program.stdout)) for (const line of lines) byTask.set(id, [...(byTask.get(id) ?? []), [index, line]]);
  });
  return byTask;
}

const finished = (programs: readonly Program[], id: string, ms = 15_000): Promise<unknown> =>
  Promise.any(programs.map((program) => program.waitFor(new RegExp(`^Worker \\d+ finished task ID ${id}$`), ms)));

describe.runIf(hasRedis)('http-server-pool on Redis: three servers, one queue', () => {
  const started: Program[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const program of started) program.kill('SIGKILL');
    await redis?.remove();
  });

  test('a task sent to any server runs once, on whichever has a free worker', async () => {
    const [programs, bases] = await three({ TASK_MS: '200' });
    started.push(...programs);
    const ids = Array.from({ length: 18 }, (_, i) => `t${i}`);
    // All to the first server: the other two take their share from the queue.
    const answers = await Promise.all(ids.map((id) => fetch(`${bases[0]}/task/${id}`).then((r) => r.text())));
    expect(answers).toEqual(ids.map((id) => `Task ID ${id} added\n`));
    for (const id of ids) await finished(programs, id);
    const byTask = runs(programs);
    for (const id of ids) expect(byTask.get(id)!.filter(([, line]) => line.startsWith('processing'))).toHaveLength(1);
    const servers = new Set(ids.map((id) => byTask.get(id)![0]![0]));
    expect(servers.size).toBeGreaterThan(1);
    for (const program of programs) program.kill('SIGTERM');
    expect(await Promise.all(programs.map((program) => program.exit()))).toEqual([0, 0, 0]);
  });

  test('kill -9 one server: its running tasks finish on the others after the lease; the same id sent to two servers while queued runs once', async () => {
    const [programs, bases] = await three({ TASK_MS: '1500' });
    started.push(...programs);
    // Six tasks fill the six workers; two more wait in the queue, one of them sent twice.
    for (let i = 0; i < 6; i++) expect(await (await fetch(`${bases[i % 3]}/task/k${i}`)).text()).toBe(`Task ID k${i} added\n`);
    await Promise.all(programs.map((program) => program.waitFor(/processing task ID k\d$/)));
    expect(await (await fetch(`${bases[0]}/task/twice`)).text()).toBe('Task ID twice added\n');
    expect(await (await fetch(`${bases[1]}/task/twice`)).text()).toBe('Task ID twice already queued or running: not added again\n');

    const [victim, ...others] = programs;
    const cut = [...linesByTask(victim!.stdout).keys()];
    expect(cut.length).toBeGreaterThan(0);
    const killedAt = Date.now();
    victim!.kill('SIGKILL');
    for (const id of cut) await finished(others, id);
    // Taken up after the lease (plus a bounded read, and the task's own time), not at a default of minutes.
    expect(Date.now() - killedAt).toBeLessThan(LEASE_MS + 1_000 + 2 * 1_500 + 5_000);
    await finished(others, 'twice');
    for (let i = 0; i < 6; i++) await finished([victim!, ...others], `k${i}`);
    const byTask = runs(programs);
    expect(byTask.get('twice')!.filter(([, line]) => line.startsWith('processing'))).toHaveLength(1);
    for (const id of cut) expect(byTask.get(id)!.some(([server, line]) => server !== 0 && line.startsWith('finished'))).toBe(true);
    for (const program of others) program.kill('SIGTERM');
    expect(await Promise.all(others.map((program) => program.exit()))).toEqual([0, 0]);
  });

  test('a wrong URL or password: a clear error, exit status 1', async () => {
    const program = new Program(main, { PORT: '0', STORE: `redis://127.0.0.1:1/0` });
    expect(await program.exit()).toBe(1);
    expect(program.stderr.join('\n')).toMatch(/server error: Cannot connect to Redis at redis:\/\/127\.0\.0\.1:1\/0: .*is redis-server running there/);
  });
});
