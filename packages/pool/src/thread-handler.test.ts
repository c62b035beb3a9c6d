import { background } from '@gochan/context';
import { afterAll, expect, test } from 'vitest';
import { CANCEL_GRACE_MS, PoolClosedError, type Worker } from './index.js';
import { ThreadHandOff } from './thread-handler.js';

const SCRIPTED = new URL('../test-handlers/scripted.mjs', import.meta.url).href;

afterAll(async () => {
  await (await import('@gochan/threads')).close();
});

test('a job whose hand-off closes while @gochan/threads loads is refused with PoolClosedError, and goes to no thread', async () => {
  // A pool shut down at once after its first job: the job's handler is still
  // waiting for the threads package to load when close() runs. It must not
  // open a goroutine afterwards, which close() would never end (its grace
  // timer would later end a thread that the next pool's jobs use).
  const handOff = new ThreadHandOff<Record<string, unknown>, unknown>(SCRIPTED, undefined, undefined, undefined, CANCEL_GRACE_MS);
  const worker = { id: 1 } as Worker<Record<string, unknown>>;
  const handed = handOff.handler({ id: 'late', payload: { result: 'ran' } }, background(), worker);
  await handOff.close();
  const outcome = await handed.then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
  expect(outcome).toEqual({ error: expect.any(PoolClosedError) });
  expect((outcome as { error: Error }).error.message).toBe('Job "late" was not handed to a thread: the pool shut down while @gochan/threads loaded');
});

test('after the package has loaded, a closed hand-off refuses a job at once', async () => {
  const handOff = new ThreadHandOff<Record<string, unknown>, unknown>(SCRIPTED, undefined, undefined, undefined, CANCEL_GRACE_MS);
  const worker = { id: 1 } as Worker<Record<string, unknown>>;
  expect(await handOff.handler({ id: 'first', payload: { result: 1 } }, background(), worker)).toBe(1);
  await handOff.close();
  await expect(handOff.handler({ id: 'second', payload: { result: 2 } }, background(), worker)).rejects.toThrow(
    new PoolClosedError('Job "second" was not handed to a thread: the pool shut down'),
  );
});
