import { background } from '@gochan/context';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { JOBS_CAPACITY, startWorkers } from './start-workers.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('startWorkers', () => {
  test('hands back a buffered jobs channel of capacity 100 and counts n workers', async () => {
    const [jobs, wg] = startWorkers(3, 1);
    expect(jobs.capacity).toBe(JOBS_CAPACITY);
    expect(JOBS_CAPACITY).toBe(100);
    expect(wg.count).toBe(3);
    jobs.close();
    await wg.wait();
    expect(wg.count).toBe(0);
  });

  test('runs every job sent, each on one of the n workers', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const [jobs, wg] = startWorkers(2, 1);
    for (let j = 1; j <= 6; j++) {
      await jobs.send({ id: String(j), payload: new Uint8Array(), ctx: background() });
    }
    jobs.close();
    await wg.wait();
    const finished = log.mock.calls.map(([text]) => String(text)).filter((text) => text.includes('finished'));
    expect(finished).toHaveLength(6);
    expect(finished.every((text) => /^Worker [12] finished job [1-6]$/.test(text))).toBe(true);
  });

  test.each([0, -1, 1.5, Number.NaN])('rejects %s workers, naming the option', (n) => {
    expect(() => startWorkers(n, 1)).toThrow(`Expected \`numWorkers\` to be a positive integer, got ${n}`);
  });
});
