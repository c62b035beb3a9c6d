import { setThreadWatcher, threadRuntime, type ThreadAnswer } from '@gochan/channel';
import { afterEach, describe, expect, test } from 'vitest';
import { ANSWER_BYTES, isQuiet, readAnswer, writeAnswer } from './dumps.js';
import { close, go } from './index.js';
import { Traffic } from './liveness.js';
import { fixture } from './test-fixtures.js';

afterEach(async () => {
  setThreadWatcher(null);
  await close();
});

/** Gathers until every thread answers quiet (a thread says it is idle once its loop empties), at most `tries` times. */
async function gatherQuiet(tries = 100): Promise<ThreadAnswer[]> {
  let answers: ThreadAnswer[] = [];
  for (let i = 0; i < tries; i++) {
    answers = (threadRuntime() as NonNullable<ReturnType<typeof threadRuntime>>).gather(5000);
    if (answers.length > 0 && answers.every((answer) => answer.quiet)) return answers;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return answers;
}

describe('dumps across threads', () => {
  test('a thread with no watcher answers that it has none, and is never taken as quiet', async () => {
    expect(await go(fixture('add'), 1, 2)).toBe(3);
    const answers = (threadRuntime() as NonNullable<ReturnType<typeof threadRuntime>>).gather(5000);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ thread: 1, report: undefined, quiet: false, goroutines: 0 });
    expect(answers[0]?.missing).toMatch(/no deadlock watcher runs on it/);
  });

  test('with a watcher, every thread loads its entry, answers with its report, and says it is quiet once idle', async () => {
    setThreadWatcher({ entry: fixture('watcher-entry').href, report: () => ({ thread: 0 }) });
    expect(await go(fixture('add'), 2, 2)).toBe(4);
    const answers = await gatherQuiet();
    expect(answers).toEqual([{ thread: 1, report: { thread: 1 }, missing: undefined, quiet: true, goroutines: 0 }]);
  });

  test('a thread that started before the watcher loads its entry when told, and drops it when the watcher stops', async () => {
    expect(await go(fixture('add'), 3, 3)).toBe(6);
    setThreadWatcher({ entry: fixture('watcher-entry').href, report: () => ({ thread: 0 }) });
    expect((await gatherQuiet()).map((answer) => [answer.thread, answer.report, answer.quiet])).toEqual([[1, { thread: 1 }, true]]);
    setThreadWatcher(null);
    let answers: ThreadAnswer[] = [];
    for (let i = 0; i < 100; i++) {
      answers = (threadRuntime() as NonNullable<ReturnType<typeof threadRuntime>>).gather(5000);
      if (answers[0]?.report === undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(answers[0]).toMatchObject({ thread: 1, report: undefined, quiet: false });
  });

  test('a thread with a goroutine that sleeps is not quiet until it has returned', async () => {
    setThreadWatcher({ entry: fixture('watcher-entry').href, report: () => ({ thread: 0 }) });
    const sleeping = go(fixture('sleep'), 400);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const answers = (threadRuntime() as NonNullable<ReturnType<typeof threadRuntime>>).gather(5000);
    expect(answers.map((answer) => [answer.thread, answer.quiet, answer.goroutines])).toEqual([[1, false, 1]]);
    expect(await sleeping).toBe(400);
  });
});

describe('answers', () => {
  test('an answer written into shared memory reads back; one larger than the room says so; none in time is undefined', () => {
    const buf = new SharedArrayBuffer(ANSWER_BYTES);
    writeAnswer(buf, { thread: 1, idleAt: 2, received: 3, sent: 4, report: { parked: ['a'] } });
    expect(readAnswer(buf, performance.now() + 10)).toEqual({ thread: 1, idleAt: 2, received: 3, sent: 4, report: { parked: ['a'] } });
    const big = new SharedArrayBuffer(ANSWER_BYTES);
    writeAnswer(big, { thread: 1, idleAt: 0, received: 1, sent: 1, report: 'x'.repeat(ANSWER_BYTES) });
    expect(readAnswer(big, performance.now() + 10)).toMatchObject({ thread: 1, missing: expect.stringMatching(/larger than/) });
    expect(readAnswer(new SharedArrayBuffer(ANSWER_BYTES), performance.now() + 20)).toBeUndefined();
  });

  test('quiet: the loop emptied after every batch sent before the request, only the request read since, nothing posted still on its way', () => {
    expect(isQuiet({ idleAt: 5, received: 6, sent: 9 }, 5, 9)).toBe(true);
    expect(isQuiet({ idleAt: 4, received: 6, sent: 9 }, 5, 9)).toBe(false); // a batch read after its loop last emptied
    expect(isQuiet({ idleAt: 5, received: 7, sent: 9 }, 5, 9)).toBe(false); // something else read since
    expect(isQuiet({ idleAt: 5, received: 6, sent: 10 }, 5, 9)).toBe(false); // a batch of its own still on its way here
    expect(isQuiet({ idleAt: -1, received: 1, sent: 0 }, 0, 0)).toBe(false); // never idle: not watching
  });

  test('traffic: a worker is idle only when its last idle counted every batch sent to it', () => {
    const traffic = new Traffic();
    expect(traffic.idle).toBe(false);
    traffic.sent = 3;
    traffic.idleAfter(2);
    expect(traffic.idle).toBe(false);
    traffic.idleAfter(3);
    expect(traffic.idle).toBe(true);
    traffic.sent++;
    expect(traffic.idle).toBe(false);
    traffic.idleAfter(4);
    traffic.reset();
    expect(traffic.idle).toBe(false);
  });
});
