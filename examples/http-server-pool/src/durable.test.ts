import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { linesByTask, Program } from '../../http-server/src/test-program.js';

// The server on its default store, SQLite, end to end: the built program,
// killed with SIGKILL at moments fast-check picks, started again on the same
// file. A task answered 200 must run to its end, in the first life or the
// second; a task runs twice only if the kill caught it running.

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'gochan-durable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshStore = (): string => `sqlite:${join(dir, `tasks-${++files}.db`)}`;

const LEASE_MS = 600;
const start = (store: string, env: Record<string, string> = {}): Program =>
  new Program(main, { PORT: '0', STORE: store, LEASE_MS: String(LEASE_MS), WORKERS: '2', TASK_MS: '150', ...env });

/** Which tasks a life of the program started, and which it finished. */
function lives(program: Program): { started: Set<string>; finished: Set<string> } {
  const started = new Set<string>();
  const finished = new Set<string>();
  for (const [id, lines] of linesByTask(program.stdout)) {
    if (lines.some((line) => line.startsWith('processing'))) started.add(id);
    if (lines.some((line) => line.startsWith('finished'))) finished.add(id);
  }
  return { started, finished };
}

/** Sends every id, a few at a time, and resolves with those answered 200 (a killed server answers no more). */
async function send(base: string, ids: readonly string[]): Promise<string[]> {
  const accepted: string[] = [];
  const queue = [...ids];
  const client = async (): Promise<void> => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      try {
        const response = await fetch(`${base}/task/${id}`);
        if (response.status === 200 && (await response.text()) === `Task ID ${id} added\n`) accepted.push(id);
      } catch {
        return; // the server died under the request: not accepted
      }
    }
  };
  await Promise.all([client(), client(), client()]);
  return accepted;
}

/** Waits until every one of `ids` has a `finished` line in `program`'s output. */
async function finishes(program: Program, ids: Iterable<string>): Promise<void> {
  for (const id of ids) await program.waitFor(new RegExp(`^Worker \\d+ finished task ID ${id}$`), 20_000);
}

describe('http-server-pool on SQLite (the default store)', () => {
  test('tasks answered 200 survive kill -9: the next start runs the queued ones at once and the cut-off ones after the lease', async () => {
    const store = freshStore();
    const first = start(store, { TASK_MS: '400' });
    const base = await first.started();
    const ids = Array.from({ length: 8 }, (_, i) => `t${i + 1}`);
    expect(await send(base, ids)).toHaveLength(8);
    await first.waitFor(/^Worker \d+ processing task ID/);
    first.kill('SIGKILL');
    await first.exit();
    const before = lives(first);

    const restartedAt = Date.now();
    const second = start(store, { TASK_MS: '400' });
    await second.started();
    await finishes(second, ids.filter((id) => !before.finished.has(id)));
    const after = lives(second);
    // Nothing lost; each task finished once; run again only what the kill caught running (started, not finished).
    for (const id of ids) expect(before.finished.has(id) !== after.finished.has(id), id).toBe(true);
    for (const [id, lines] of linesByTask(second.stdout)) expect(lines.filter((line) => line.startsWith('finished')), id).toHaveLength(1);
    const rerun = [...after.started].filter((id) => before.started.has(id)).sort();
    expect(rerun).toEqual([...before.started].filter((id) => !before.finished.has(id)).sort());
    expect(rerun.length).toBeGreaterThanOrEqual(1);
    // A cut-off task comes back once its lease (counted from the claim, renewed until the kill) runs out.
    expect(Date.now() - restartedAt).toBeLessThan(LEASE_MS + 15_000);
    second.kill('SIGTERM');
    expect(await second.exit()).toBe(0);
  });

  test('kill -9 at any moment loses no accepted task, and runs twice only tasks that were running (fast-check picks the moments)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 0, max: 500 }), async (count, killAfterMs) => {
        const store = freshStore();
        // Every other run the tasks compute on threads (TASK_KIND=cpu): a SIGKILL takes the threads too.
        const kind = { TASK_KIND: files % 2 === 0 ? 'cpu' : 'sleep' };
        const first = start(store, kind);
        const base = await first.started();
        const ids = Array.from({ length: count }, (_, i) => `k${i}`);
        const sending = send(base, ids);
        await new Promise((resolve) => setTimeout(resolve, killAfterMs));
        first.kill('SIGKILL');
        const accepted = await sending;
        await first.exit();
        const before = lives(first);

        const second = start(store, kind);
        await second.started();
        // Wait for the accepted tasks, and for those the kill cut off mid-run: one may have started before its
        // 200 reached the client (a kill a few ms in), and it comes back only once its lease has run out.
        const cutOff = [...before.started].filter((id) => !before.finished.has(id));
        await finishes(second, new Set([...accepted.filter((id) => !before.finished.has(id)), ...cutOff]));
        second.kill('SIGTERM');
        expect(await second.exit()).toBe(0);
        const after = lives(second);
        for (const id of accepted) expect(before.finished.has(id) || after.finished.has(id), `accepted ${id}`).toBe(true);
        // The second life runs only tasks that were sent (one whose answer the kill cut off may have been stored).
        for (const id of after.started) expect(ids.includes(id), `invented ${id}`).toBe(true);
        // A task the first life started and did not finish was running at the kill: it runs again.
        for (const id of before.started) if (!before.finished.has(id)) expect(after.finished.has(id), `cut off ${id}`).toBe(true);
        // Finished in the first life: never run again unless the kill came between its end and the commit of its
        // completion (one commit per turn of the event loop), which only the last task of each of the 2 workers can be.
        const finishedBoth = [...before.finished].filter((id) => after.started.has(id));
        expect(finishedBoth.length).toBeLessThanOrEqual(2);
      }),
      { numRuns: 6 },
    );
  }, 180_000);

  test('the same id while queued or running adds nothing, and the answer says so; /stats shows the store', async () => {
    const program = start(freshStore(), { WORKERS: '1', TASK_MS: '100000' });
    const base = await program.started();
    expect(await (await fetch(`${base}/task/same`)).text()).toBe('Task ID same added\n');
    expect(await (await fetch(`${base}/task/other`)).text()).toBe('Task ID other added\n');
    await program.waitFor(/^Worker 1 processing task ID same$/);
    expect(await (await fetch(`${base}/task/same`)).text()).toBe('Task ID same already queued or running: not added again\n');
    expect(await (await fetch(`${base}/task/other`)).text()).toBe('Task ID other already queued or running: not added again\n');
    const stats = (await (await fetch(`${base}/stats`)).json()) as { store: Record<string, number> };
    expect(stats.store).toMatchObject({ waiting: 1, running: 1, completed: 0, failed: 0, dead: 0 });
    program.kill('SIGKILL');
    await program.exit();
  });

  test('a graceful shutdown finishes what it holds and leaves the rest in the store; a shutdown past its timeout gives its tasks back', async () => {
    const store = freshStore();
    const first = start(store, { WORKERS: '1', TASK_MS: '200' });
    const base = await first.started();
    const ids = ['g1', 'g2', 'g3', 'g4', 'g5', 'g6'];
    expect(await send(base, ids)).toHaveLength(6);
    await first.waitFor(/^Worker 1 processing task ID/);
    first.kill('SIGTERM');
    expect(await first.exit()).toBe(0);
    expect(first.stdout.at(-1)).toBe('Shutdown complete');
    expect(first.stderr[0]).toMatch(/^SIGTERM: shutting down; finishing 1 running and 0 queued task\(s\), for at most 30000 ms; [4-5] waiting task\(s\) stay in the store for the next start$/);
    const done = lives(first).finished;
    expect(done.size).toBeGreaterThanOrEqual(1);

    const second = start(store, { WORKERS: '1', TASK_MS: '100000', SHUTDOWN_TIMEOUT_MS: '100' });
    await second.started();
    const rest = ids.filter((id) => !done.has(id));
    const [, running] = await second.waitFor(/^Worker 1 processing task ID (g\d)$/);
    second.kill('SIGTERM');
    expect(await second.exit()).toBe(1);
    // The one running is cut off and goes back; the server claims nothing ahead of its workers (prefetch 0), so the
    // others never left the store.
    expect(second.stderr[1]).toBe(`Shutdown timed out after 100 ms; cut off 1 running task(s): ${running}; 0 never started; all back in the store, for the next start`);

    const third = start(store, { WORKERS: '2', TASK_MS: '50' });
    await third.started();
    await finishes(third, rest);
    third.kill('SIGTERM');
    expect(await third.exit()).toBe(0);
    expect([...lives(third).started].sort()).toEqual(rest);
  });

  test('a bad STORE, QUEUE or LEASE_MS is named and exits 2; a file that is not a store exits 1 and says why', async () => {
    for (const [env, message] of [
      [{ STORE: 'postgres://x' }, 'Expected `STORE` to be `memory`, `sqlite:<path>` or `redis://host:port/db`, got "postgres://x"'],
      [{ STORE: 'sqlite:' }, 'Expected `STORE` to be `memory`, `sqlite:<path>` or `redis://host:port/db`, got "sqlite:"'],
      [{ QUEUE: 'a b' }, 'Expected `QUEUE` to be 1 to 64 letters, digits or _ . : -, got "a b"'],
      [{ LEASE_MS: '5' }, 'Expected `LEASE_MS` to be an integer of at least 30, got "5"'],
    ] as const) {
      const program = start(freshStore(), env);
      // Seen once on Node 26 under load: an exit by a signal (null) within a second; the message says which, and what it printed.
      expect(await program.exit(), `${JSON.stringify(env)}: signal ${program.signal}; stderr ${JSON.stringify(program.stderr)}`).toBe(2);
      expect(program.stderr).toEqual([message]);
    }
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'this is not a database, but it is long enough to look like a header of one.'.repeat(100));
    const program = start(`sqlite:${garbage}`);
    expect(await program.exit()).toBe(1);
    expect(program.stderr.join('\n')).toMatch(/^server error: .*garbage\.db/);
  });
});
