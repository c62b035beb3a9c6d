import { Channel } from '@gochan/channel';
import { Group } from '@gochan/errgroup';
import { WaitGroup } from '@gochan/waitgroup';
import { afterEach, describe, expect, test } from 'vitest';
import { defaultProcs } from './gomaxprocs.js';
import { GOMAXPROCS, ThreadExitError, close, go } from './index.js';
import { threadIds } from './go.js';
import { fixture } from './test-fixtures.js';

afterEach(async () => {
  await close();
});

describe('go', () => {
  test('runs the module default export on another thread and resolves with its result', async () => {
    expect(await go(fixture('add'), 2, 3)).toBe(5);
    expect(threadIds().length).toBe(1);
  });

  test('a thrown error comes back with its class, message, stack and cause', async () => {
    const error = await go(fixture('throws'), 'out of range').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe('out of range');
    expect((error as Error).stack).toContain('throws.mjs');
    expect(((error as Error).cause as Error).message).toBe('the root cause');
  });

  test('a module with no default export function is a TypeError that names it', async () => {
    await expect(go(fixture('no-default'))).rejects.toThrow(/no-default\.mjs has no default export to run/);
  });

  test('a relative module path is a TypeError that shows the URL to write', async () => {
    await expect(go('./f.js')).rejects.toThrow(/new URL\("\.\/f\.js", import\.meta\.url\)/);
    await expect(go(42 as unknown as string)).rejects.toThrow(TypeError);
  });

  test('an argument that cannot be cloned fails that go() alone', async () => {
    await expect(go(fixture('add'), () => 1, 2)).rejects.toThrow(/cannot cross to another thread/);
    expect(await go(fixture('add'), 1, 2)).toBe(3);
  });

  test('goroutines started from a goroutine run on the pool and return there', async () => {
    // 0+10 + 1+10 + 2+10 + 3+10
    expect(await go(fixture('nested'), fixture('add').href, 4)).toBe(46);
  });

  test('many goroutines share a thread: one that waits frees it for the others', async () => {
    const previous = GOMAXPROCS(1);
    try {
      const gate = new Channel<void>();
      const input = new Channel<number>(10);
      const running = Array.from({ length: 10 }, () => go<{ value: number }>(fixture('receive-after'), gate, input));
      // All ten are parked on the gate at once on the one thread; a send to each lets it go on.
      for (let i = 0; i < 10; i++) await gate.send();
      for (let i = 0; i < 10; i++) await input.send(i);
      const got = (await Promise.all(running)).map((r) => r.value).sort((a, b) => a - b);
      expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(threadIds().length).toBe(1);
    } finally {
      GOMAXPROCS(previous);
    }
  });

  test('threads start lazily, one per goroutine while every thread is busy, up to GOMAXPROCS', async () => {
    const previous = GOMAXPROCS(2);
    try {
      expect(threadIds()).toEqual([]);
      const gate = new Channel<void>();
      const input = new Channel<number>(3);
      const running = Array.from({ length: 3 }, () => go(fixture('receive-after'), gate, input));
      expect(threadIds().length).toBe(2);
      for (let i = 0; i < 3; i++) await gate.send();
      for (let i = 0; i < 3; i++) await input.send(i);
      await Promise.all(running);
    } finally {
      GOMAXPROCS(previous);
    }
  });

  test('a WaitGroup and an errgroup wait for goroutines on threads', async () => {
    const wg = new WaitGroup();
    const sums: number[] = [];
    for (let i = 0; i < 4; i++) wg.go(async () => sums.push(await go<number>(fixture('add'), i, i)));
    await wg.wait();
    expect(sums.sort()).toEqual([0, 2, 4, 6]);
    const g = new Group();
    g.go(() => go(fixture('add'), 1, 1));
    g.go(() => go(fixture('throws'), 'group failure'));
    await expect(g.wait()).rejects.toThrow('group failure');
  });

  test('close waits for running goroutines, then go() starts a new pool', async () => {
    const gate = new Channel<void>();
    const input = new Channel<number>(1);
    const running = go<{ value: number }>(fixture('receive-after'), gate, input);
    let closed = false;
    const closing = close().then(() => (closed = true));
    await expect(go(fixture('add'), 1, 1)).rejects.toThrow(/closing/);
    await gate.send();
    expect(closed).toBe(false);
    await input.send(7);
    expect((await running).value).toBe(7);
    await closing;
    expect(threadIds()).toEqual([]);
    expect(await go(fixture('add'), 2, 2)).toBe(4);
  });

  test('an idle pool keeps no process alive', async () => {
    // A child process that runs one goroutine and then has nothing to do exits by itself.
    const { spawnSync } = await import('node:child_process');
    const program = `import { go } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      console.log(await go(new URL(${JSON.stringify(fixture('add').href)}), 20, 22));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8', timeout: 20_000 });
    expect(child.stdout.trim()).toBe('42');
    expect(child.status).toBe(0);
  });

  test('a process started with V8 flags a worker may not take (--expose-gc) still runs goroutines, the flags in force there', async () => {
    const { spawnSync } = await import('node:child_process');
    const program = `import { go } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      console.log(await go('data:text/javascript,export default () => typeof gc'));`;
    for (const args of [['--expose-gc', '--input-type=module', '-e', program], ['--expose-gc', '--max-old-space-size=200', '--input-type=module', '-e', program]]) {
      const child = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 20_000 });
      expect(child.stderr).toBe('');
      expect(child.stdout.trim()).toBe('function');
    }
  });
});

describe('GOMAXPROCS', () => {
  test('defaults as Go reads it: the environment variable when a positive integer, else the CPUs', async () => {
    const { availableParallelism } = await import('node:os');
    expect(defaultProcs('3')).toBe(3);
    expect(defaultProcs('0')).toBe(availableParallelism());
    expect(defaultProcs('-2')).toBe(availableParallelism());
    expect(defaultProcs('two')).toBe(availableParallelism());
    expect(defaultProcs(' 3')).toBe(availableParallelism());
    expect(defaultProcs(undefined)).toBe(availableParallelism());
    expect(defaultProcs('100000')).toBe(255);
  });

  test('GOMAXPROCS(n) sets it and returns the previous value; below 1 only reads it', () => {
    const first = GOMAXPROCS();
    expect(GOMAXPROCS(3)).toBe(first);
    expect(GOMAXPROCS(0)).toBe(3);
    expect(GOMAXPROCS(-1)).toBe(3);
    expect(GOMAXPROCS(first)).toBe(3);
    expect(() => GOMAXPROCS(1.5)).toThrow(RangeError);
    expect(() => GOMAXPROCS(256)).toThrow(RangeError);
  });
});

describe('ThreadExitError', () => {
  test('is an Error with the thread and its exit code', () => {
    const error = new ThreadExitError(3, 'thread 3 exited with code 7', { exitCode: 7 });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ThreadExitError');
    expect(error.thread).toBe(3);
    expect(error.exitCode).toBe(7);
  });
});
