// The README's worked example, as written there (not named readme.test.ts:
// npm packs every file called readme, whatever the files list says): the buggy collector fails
// under the scheduler with a deadlock (found, replayed), and the fix passes.
import { Channel } from '@gochan/channel';
import { WaitGroup } from '@gochan/waitgroup';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { DeadlockError, label, scheduler } from './index.js';

async function collect(workers: number): Promise<number[]> {
  const results = label(new Channel<number>(), 'results');
  const progress = label(new Channel<string>(), 'progress');
  void (async () => {
    for await (const line of progress) void line; // a logger
  })();
  let finished = 0;
  for (let w = 0; w < workers; w++) {
    void (async () => {
      await results.send(w * w);
      const last = finished === workers - 1; // decided here...
      await progress.send(`worker ${w} done`);
      finished++; // ...counted there, after a wait
      if (last) results.close();
    })();
  }
  const out: number[] = [];
  for await (const r of results) out.push(r);
  return out;
}

async function collectFixed(workers: number): Promise<number[]> {
  const results = label(new Channel<number>(), 'results');
  const progress = label(new Channel<string>(), 'progress');
  void (async () => {
    for await (const line of progress) void line;
  })();
  const wg = new WaitGroup();
  for (let w = 0; w < workers; w++) {
    wg.go(async () => {
      await results.send(w * w);
      await progress.send(`worker ${w} done`);
    });
  }
  void wg.wait().then(() => results.close());
  const out: number[] = [];
  for await (const r of results) out.push(r);
  return out;
}

const propertyOf = (fn: (workers: number) => Promise<number[]>) =>
  fc.asyncProperty(fc.integer({ min: 1, max: 8 }), scheduler(), async (workers, s) => {
    const out = await s.run(() => fn(workers));
    expect(out).toHaveLength(workers);
  });

test("the README's buggy collector deadlocks under some schedule, as the README shows it, and replays", async () => {
  const found = await fc.check(propertyOf(collect), { seed: 42 });
  expect(found.failed).toBe(true);
  expect(found.errorInstance).toBeInstanceOf(DeadlockError);
  expect(found.counterexamplePath).toBe('0:1:1:1:0:2');
  expect(String(found.counterexample?.[1])).toMatch(/^GoScheduler\(seed 0, choices \[\]\n {2}0\/3 {2}goroutine 2 \[chan send\] send on chan "results" \(unbuffered\): resumes/);
  expect(found.counterexample?.[0]).toBe(3);
  const message = (found.errorInstance as Error).message;
  expect(message).toMatch(/^fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 5 \[chan receive\]:\n {4}range over chan "results" \(unbuffered\)\n {4}at collect /);
  const replayed = await fc.check(propertyOf(collect), { seed: 42, path: found.counterexamplePath ?? '', endOnFailure: true });
  expect((replayed.errorInstance as Error).message).toBe(message);
});

test("the README's fix passes for every schedule tried", async () => {
  await fc.assert(propertyOf(collectFixed), { seed: 42, numRuns: 200 });
});
