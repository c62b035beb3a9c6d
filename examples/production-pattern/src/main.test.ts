import { describe, expect, test } from 'vitest';
import { runMain } from './test-run.js';

// End to end: the built program, as `pnpm start` runs it, with shorter jobs.
describe('the production-pattern program', () => {
  test('prints the article’s lines: 5 jobs on 3 workers, then Shutdown complete, exit 0', async () => {
    const { code, stdout, stderr } = await runMain({ JOB_MS: '200' });
    expect(stderr).toEqual([]);
    expect(code).toBe(0);
    expect(stdout).toHaveLength(11);
    expect(stdout.at(-1)).toBe('Shutdown complete');

    const line = /^Worker ([123]) (started|finished) job ([1-5])$/;
    const startedBy = new Map<string, string>();
    let running = 0;
    let mostRunning = 0;
    for (const text of stdout.slice(0, -1)) {
      const match = line.exec(text);
      expect(match, text).not.toBeNull();
      const [, worker, verb, job] = match!;
      if (verb === 'started') {
        expect(startedBy.has(job!), `job ${job} started twice`).toBe(false);
        startedBy.set(job!, worker!);
        running++;
        mostRunning = Math.max(mostRunning, running);
      } else {
        // Finished by the worker that started it, after it started.
        expect(startedBy.get(job!)).toBe(worker);
        running--;
      }
    }
    expect([...startedBy.keys()].sort()).toEqual(['1', '2', '3', '4', '5']);
    // Three workers: the first three jobs start together, and never more.
    expect(mostRunning).toBe(3);
    expect(stdout.slice(0, 3).every((text) => text.includes(' started '))).toBe(true);
  });

  test('a job past its deadline is logged as failed and the workers go on', async () => {
    const { code, stdout, stderr } = await runMain({ JOB_MS: '2000', JOB_TIMEOUT_MS: '50' });
    expect(code).toBe(0);
    const failed = stderr.map((text) => /^Worker [123]: job ([1-5]) failed: context deadline exceeded$/.exec(text)?.[1] ?? text);
    expect(failed.sort()).toEqual(['1', '2', '3', '4', '5']);
    expect(stdout.filter((text) => text.includes(' finished '))).toEqual([]);
    expect(stdout.at(-1)).toBe('Shutdown complete');
  });

  test('an invalid setting is named and the program exits 2', async () => {
    const { code, stdout, stderr } = await runMain({ JOB_MS: 'soon' });
    expect(code).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr).toEqual(['Expected `JOB_MS` to be an integer of at least 0, got "soon"']);
  });

  test('a shutdown that outlasts SHUTDOWN_TIMEOUT_MS gives up and exits 1', async () => {
    const { code, stdout, stderr } = await runMain({ JOB_MS: '60000', SHUTDOWN_TIMEOUT_MS: '100' });
    expect(code).toBe(1);
    expect(stdout).not.toContain('Shutdown complete');
    expect(stderr).toEqual(['Shutdown timed out after 100 ms: 3 worker(s) still busy']);
  });
});
