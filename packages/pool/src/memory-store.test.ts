import { describe, expect, it } from 'vitest';
import { MemoryStore } from './memory-store.js';
import { storeConformance } from './test-store-conformance.js';

storeConformance('MemoryStore', {
  open: async (options) => new MemoryStore(options),
  close: async () => {},
});

describe('MemoryStore', () => {
  it('names a bad leaseMs or maxCrashes and the value received', () => {
    expect(() => new MemoryStore({ leaseMs: 0 })).toThrow('Expected `leaseMs` to be a positive number of milliseconds, got 0');
    expect(() => new MemoryStore({ maxCrashes: 1.5 })).toThrow('Expected `maxCrashes` to be a non-negative integer, got 1.5');
  });

  it('lists dead jobs with their last error', async () => {
    const store = new MemoryStore();
    await store.add({ id: 'x', payload: '1', deadline: undefined });
    const [claimed] = await store.claim(1, AbortSignal.timeout(1_000));
    await store.fail(claimed!, 'Error: boom', undefined);
    expect(store.deadJobs()).toEqual([{ id: 'x', payload: '1', error: 'Error: boom', failures: 1, crashes: 0 }]);
  });
});
