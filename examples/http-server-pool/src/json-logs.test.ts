import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { Program } from '../../http-server/src/test-program.js';

// LOG_FORMAT=json: the built program writes one JSON object per line (pino),
// every line, with the job's id, the worker and the timings on the task
// lines; the message keeps the article's text.

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** Parses every line, failing on one that is not a JSON object. */
function parsed(lines: readonly string[]): Record<string, unknown>[] {
  return lines.map((line) => {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`not a JSON object: ${line}`);
    return value as Record<string, unknown>;
  });
}

describe('http-server-pool with LOG_FORMAT=json', () => {
  test('every line is one JSON object; a task has its start and finish with job id, worker, queue wait and run time', async () => {
    const program = new Program(main, { PORT: '0', STORE: 'memory', WORKERS: '1', TASK_MS: '50', LOG_FORMAT: 'json' });
    const [, port] = await program.waitFor(/"port":(\d+)/);
    const base = `http://127.0.0.1:${port}`;
    // Both at once: the second to start waits in the queue for the first.
    expect(await Promise.all(['j1', 'j2'].map(async (id) => (await fetch(`${base}/task/${id}`)).status))).toEqual([200, 200]);
    await program.waitFor(/"msg":"Worker 1 finished task ID j\d"/);
    await new Promise((resolve) => setTimeout(resolve, 0));
    for (let i = 0; i < 100 && program.stdout.filter((line) => line.includes('"event":"finish"')).length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    program.kill('SIGTERM');
    expect(await program.exit()).toBe(0);

    const out = parsed(program.stdout);
    const err = parsed(program.stderr);
    expect(out[0]).toMatchObject({ level: 30, msg: `Server running on :${port}`, event: 'listening', port: Number(port), pid: program.pid });
    expect(typeof out[0]!.time).toBe('string');
    const finished = out.filter((line) => line.event === 'finish');
    expect(finished.map((line) => line.jobId).sort()).toEqual(['j1', 'j2']);
    for (const line of finished) {
      expect(line).toMatchObject({ worker: 1, msg: `Worker 1 finished task ID ${line.jobId as string}` });
      // The task is a 50 ms timer; a timer may fire early by as much as the event loop's
      // turn had run when it was set (libuv measures from the turn's start), so half of it.
      expect(line.runMs).toBeGreaterThanOrEqual(25);
      expect(line.queueWaitMs).toEqual(expect.any(Number));
    }
    // One worker: the second started only once the first had finished, so it waited in the queue.
    expect(out.findIndex((line) => line.event === 'start' && line.jobId === finished[1]!.jobId)).toBeGreaterThan(out.indexOf(finished[0]!));
    expect(finished[1]!.queueWaitMs).toBeGreaterThan(0);
    expect(out.filter((line) => line.event === 'start').map((line) => [line.jobId, line.worker])).toEqual(finished.map((line) => [line.jobId, 1]));
    expect(out.at(-1)).toMatchObject({ msg: 'Shutdown complete', event: 'shutdown-complete' });
    // A shutdown asked for by a signal is the normal course: info (30), not error (50).
    expect(err).toEqual([expect.objectContaining({ level: 30, event: 'shutdown-start', signal: 'SIGTERM' })]);
  });

  test('an invalid setting under LOG_FORMAT=json is named in one JSON line (level 50), and the program exits 2', async () => {
    const program = new Program(main, { PORT: '0', STORE: 'memory', LOG_FORMAT: 'json', WORKERS: '0' });
    expect(await program.exit()).toBe(2);
    expect(parsed(program.stderr)).toEqual([
      expect.objectContaining({ level: 50, event: 'settings-error', msg: 'Expected `WORKERS` to be an integer of at least 1, got "0"' }),
    ]);
    expect(program.stdout).toEqual([]);
  });

  test('a LOG_FORMAT other than text or json is named and the program exits 2', async () => {
    const program = new Program(main, { PORT: '0', STORE: 'memory', LOG_FORMAT: 'xml' });
    expect(await program.exit()).toBe(2);
    expect(program.stderr).toEqual(['Expected `LOG_FORMAT` to be `text` or `json`, got "xml"']);
  });
});
