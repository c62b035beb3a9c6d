import { afterEach, describe, expect, test, vi } from 'vitest';
import type { ThreadData, ThreadEvents } from './host.js';
import { uncaught, webHost, webUnsupported } from './host-web.js';
import { host } from './hosts.js';

// The Web Worker host's contract, against a stand-in Worker (the real one runs in Chromium: tests/browser-threads).

afterEach(() => {
  vi.unstubAllGlobals();
});

/** A stand-in for a browser's Worker: records what is posted and terminated, and fires events on demand. */
class FakeWorker {
  static made: FakeWorker[] = [];
  readonly posted: unknown[] = [];
  terminated = 0;
  private readonly listeners = new Map<string, ((event: unknown) => void)[]>();
  constructor(
    readonly url: URL,
    readonly options: unknown,
  ) {
    FakeWorker.made.push(this);
  }
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  terminate(): void {
    this.terminated++;
  }
  addEventListener(type: string, listener: (event: unknown) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  fire(type: string, event: object): { prevented: boolean } {
    const seen = { prevented: false };
    for (const listener of this.listeners.get(type) ?? []) listener({ ...event, preventDefault: () => (seen.prevented = true) });
    return seen;
  }
}

function recorder(): { events: ThreadEvents; log: unknown[][] } {
  const log: unknown[][] = [];
  return {
    log,
    events: {
      message: (batch) => log.push(['message', batch]),
      error: (error) => log.push(['error', error]),
      exit: (code) => log.push(['exit', code]),
    },
  };
}

const data: ThreadData = { id: 3, range: 3, words: new SharedArrayBuffer(4), winners: new SharedArrayBuffer(4) };

describe('the host picked', () => {
  test('is node:worker_threads under Node', () => {
    expect(host().name).toBe('node:worker_threads');
    expect(host().limits).toBe(true);
  });
});

describe('where Web Workers cannot run threads', () => {
  test('a page that is not cross-origin isolated is told which headers to send', () => {
    vi.stubGlobal('Worker', FakeWorker);
    vi.stubGlobal('SharedArrayBuffer', undefined);
    vi.stubGlobal('crossOriginIsolated', false);
    const why = webUnsupported();
    expect(why).toMatch(/not cross-origin isolated/);
    expect(why).toMatch(/Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp/);
    expect(() => webHost()).toThrow(why as string);
  });

  test('a runtime with no workers at all says so', () => {
    vi.stubGlobal('Worker', undefined);
    expect(webUnsupported()).toMatch(/neither node:worker_threads nor Web Workers/);
  });

  test('workers without shared memory (and no isolation flag) say what is missing', () => {
    vi.stubGlobal('Worker', FakeWorker);
    vi.stubGlobal('SharedArrayBuffer', undefined);
    expect(webUnsupported()).toMatch(/no SharedArrayBuffer and Atomics/);
  });
});

describe('a thread on Web Workers', () => {
  function spawn(): { worker: FakeWorker; log: unknown[][]; thread: ReturnType<ReturnType<typeof webHost>['spawn']> } {
    vi.stubGlobal('Worker', FakeWorker);
    vi.stubGlobal('navigator', { hardwareConcurrency: 6 });
    FakeWorker.made = [];
    const { events, log } = recorder();
    const thread = webHost().spawn(data, events, undefined);
    return { worker: FakeWorker.made[0] as FakeWorker, log, thread };
  }

  test('is a module worker running thread-web.js, given its data as the first message; its port is the worker', () => {
    const { worker, thread } = spawn();
    expect(worker.url.pathname).toMatch(/\/dist\/thread-web\.js$/);
    expect(worker.options).toEqual({ type: 'module', name: 'gochan thread 3' });
    expect(worker.posted).toEqual([data]);
    expect(thread.port).toBe(worker);
    expect(webHost().cpus()).toBe(6);
  });

  test('hands each message event\'s data to the scheduler', () => {
    const { worker, log } = spawn();
    worker.fire('message', { data: [{ t: 'ret', to: 0, op: 1, v: 2 }] });
    expect(log).toEqual([['message', [{ t: 'ret', to: 0, op: 1, v: 2 }]]]);
  });

  test('an error event is its death: the error, then one exit with no code; the worker is ended and the page not told', async () => {
    const { worker, log } = spawn();
    const first = worker.fire('error', { message: 'Uncaught RangeError: too far', filename: 'http://x/g.mjs', lineno: 3, colno: 9 });
    worker.fire('error', { message: 'Uncaught Error: again' });
    expect(first.prevented).toBe(true);
    expect(worker.terminated).toBe(1);
    await Promise.resolve();
    await Promise.resolve();
    expect(log.map(([kind]) => kind)).toEqual(['error', 'exit']);
    const error = log[0]?.[1] as Error;
    expect([error.name, error.message]).toEqual(['RangeError', 'too far']);
    expect(error.stack).toContain('http://x/g.mjs:3:9');
    expect(log[1]).toEqual(['exit', undefined]);
  });

  test('terminate() reports the exit once, after the caller\'s turn (the scheduler loops over its threads)', async () => {
    const { worker, log, thread } = spawn();
    const ending = thread.terminate();
    expect(log).toEqual([]);
    await ending;
    await thread.terminate();
    expect(log).toEqual([['exit', undefined]]);
    expect(worker.terminated).toBe(1);
  });
});

describe('uncaught(): the error a worker error event names', () => {
  test.each([
    ['Uncaught Error: boom', 'Error', 'boom'],
    ['Error: boom', 'Error', 'boom'],
    ['Uncaught TypeError: a: b', 'TypeError', 'a: b'],
    ['Uncaught (in promise) RangeError: r', 'RangeError', 'r'],
    ['Uncaught DOMException: nope', 'DOMException', 'nope'],
    ['Uncaught 42', 'Error', '42'],
  ])('%j is a %s: %j', (message, name, text) => {
    const error = uncaught({ message });
    expect([error.name, error.message]).toEqual([name, text]);
  });

  test('an event that carries the error itself (Deno) gives that error', () => {
    const original = new SyntaxError('x');
    expect(uncaught({ message: 'whatever', error: original })).toBe(original);
  });

  test('an event with no text (a module that failed to load) says so, and names the import map', () => {
    expect(uncaught({}).message).toMatch(/failed to load.*import map/);
  });
});
