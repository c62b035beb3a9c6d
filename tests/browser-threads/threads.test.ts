// @gochan/threads in Chromium: the built package on a page of this suite's
// own server (server.ts), its threads Web Workers. Cross-origin isolated
// (COOP/COEP), goroutines run and channels keep Go's rules across threads;
// without those headers go() says which headers are missing; on a server
// that leaves the workers' bare specifiers unresolved, go() fails instead of
// hanging. The code in page.evaluate runs in the page.
import fc from 'fast-check';
import { chromium, type Browser, type Page } from 'playwright';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { chromiumFlags, chromiumPath } from '../support/chromium.ts';
import { servePage, type PageServer } from './server.ts';

declare global {
  interface Window {
    gochan: {
      channel: typeof import('@gochan/channel');
      threads: typeof import('@gochan/threads');
    };
  }
}

let browser: Browser;
let opened: { page: Page; server: PageServer }[] = [];

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: chromiumPath, args: [...chromiumFlags] });
});

afterEach(async () => {
  for (const { page, server } of opened) {
    await page.close();
    await server.close();
  }
  opened = [];
});

afterAll(async () => {
  await browser?.close();
});

/** A fresh page of a fresh server, with `window.gochan` loaded. */
async function open(options: { isolated: boolean; resolveInWorkers: boolean }): Promise<Page> {
  const server = await servePage(options);
  const page = await browser.newPage();
  opened.push({ page, server });
  await page.goto(server.url);
  await page.waitForFunction(() => window.gochan !== undefined);
  return page;
}

const isolated = { isolated: true, resolveInWorkers: true };

describe('in a cross-origin isolated page (COOP/COEP)', () => {
  test('go() runs a module on a Web Worker and returns its result, also from a goroutine; GOMAXPROCS defaults to navigator.hardwareConcurrency', async () => {
    const page = await open(isolated);
    const seen = await page.evaluate(async () => {
      const { threads } = window.gochan;
      const goroutine = (name: string) => new URL(`/packages/threads/test-goroutines/${name}.mjs`, location.href);
      const sum = await threads.go(goroutine('add'), 2, 3);
      const thread = await threads.go(goroutine('thread-id'));
      // A goroutine that calls go() itself: the page places those too (0+10, 1+10, 2+10).
      const nested = await threads.go(goroutine('nested'), goroutine('add').href, 3);
      const procs = threads.GOMAXPROCS();
      const path = await threads.go('/packages/threads/test-goroutines/add.mjs', 1, 2).then(
        () => 'resolved',
        (error: Error) => error.message,
      );
      const limits = (() => {
        try {
          threads.setResourceLimits({ maxOldGenerationSizeMb: 64 });
          return 'set';
        } catch (error) {
          return (error as Error).message;
        }
      })();
      const nice = (() => {
        try {
          threads.setNice(5);
          return 'set';
        } catch (error) {
          return (error as Error).message;
        }
      })();
      threads.setNice(0); // 0 is every host's default, so it is accepted everywhere
      await threads.close();
      return { isolated: crossOriginIsolated, sum, thread, nested, procs, cores: navigator.hardwareConcurrency, path, limits, nice };
    });
    expect(seen.isolated).toBe(true);
    expect(seen.sum).toBe(5);
    expect(seen.thread).toBeGreaterThanOrEqual(1); // a pool thread's id, not the page's 0
    expect(seen.nested).toBe(33);
    expect(seen.procs).toBe(Math.min(seen.cores, 255));
    // A page has no file paths, and its workers no resource limits: each says so.
    expect(seen.path).toMatch(/expected the URL of a module \(a page has no file paths\)/);
    expect(seen.limits).toBe('setResourceLimits: threads on Web Workers take no resource limits');
    expect(seen.nice).toBe("setNice: threads on Web Workers cannot be made nicer alone (a thread's niceness is its own on Linux only)");
  });

  test('TestChan: an unbuffered send resolves only once the goroutine on the other thread has received the value', async () => {
    const page = await open(isolated);
    const seen = await page.evaluate(async () => {
      const { channel, threads } = window.gochan;
      const gate = new channel.Channel<void>();
      const input = new channel.Channel<number>();
      const receiving = threads.go(new URL('/packages/threads/test-goroutines/receive-after.mjs', location.href), gate, input);
      let sent = false;
      const sending = input.send(41).then(() => (sent = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const sentBeforeReceiver = sent; // the goroutine waits on the gate: nobody receives yet
      await gate.send();
      await sending;
      const received = await receiving;
      await threads.close();
      return { sentBeforeReceiver, received };
    });
    expect(seen.sentBeforeReceiver).toBe(false);
    expect(seen.received).toEqual({ value: 41, ok: true });
  });

  test('TestCloseChan: close here ends the range there, after the buffered values; then [undefined, false]', async () => {
    const page = await open(isolated);
    const seen = await page.evaluate(async () => {
      const { channel, threads } = window.gochan;
      const values = new channel.Channel<number>(3);
      const draining = threads.go(new URL('/packages/threads/test-goroutines/drain.mjs', location.href), values);
      for (let i = 0; i < 10; i++) await values.send(i);
      values.close();
      const drained = await draining;
      const sendAfterClose = await values.send(99).then(
        () => 'sent',
        (error: Error) => error.message,
      );
      await threads.close();
      return { drained, sendAfterClose };
    });
    expect(seen.drained).toEqual({ got: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], after: undefined, ok: false });
    expect(seen.sendAfterClose).toBe('send on closed channel');
  });

  test('TestSelect: a select on a thread runs exactly one case each time; the values it did not take are all still there', async () => {
    const page = await open(isolated);
    const seen = await page.evaluate(async () => {
      const { channel, threads } = window.gochan;
      const a = new channel.Channel<number>();
      const b = new channel.Channel<number>();
      const rounds = 50;
      const selecting = threads.go<[number, number][]>(new URL('/packages/threads/test-goroutines/select-two.mjs', location.href), a, b, rounds);
      // 2 × rounds senders wait at once; each select there takes exactly one of them.
      const sends = [...Array.from({ length: rounds }, (_, i) => a.send(i)), ...Array.from({ length: rounds }, (_, i) => b.send(1000 + i))];
      const ran = await selecting;
      // The other `rounds` values are still waiting: a select here, over both, takes them.
      const rest: number[] = [];
      for (let i = 0; i < rounds; i++) rest.push((await channel.select([channel.recv(a), channel.recv(b)]))[1] as number);
      await Promise.all(sends);
      await threads.close();
      return { ran, rest };
    });
    expect(seen.ran.length).toBe(50);
    for (const [index, value] of seen.ran) expect(index === 0 ? value < 1000 : value >= 1000).toBe(true);
    const all = [...seen.ran.map(([, v]) => v), ...seen.rest].sort((x, y) => x - y);
    expect(all).toEqual([...Array.from({ length: 50 }, (_, i) => i), ...Array.from({ length: 50 }, (_, i) => 1000 + i)]);
  });

  test('a select here over channels of two other threads receives every value once, in each channel\'s order', async () => {
    const page = await open(isolated);
    const seen = await page.evaluate(async () => {
      const { channel, threads } = window.gochan;
      threads.GOMAXPROCS(2);
      const out = new channel.Channel<InstanceType<typeof channel.Channel<number>>>();
      const owner = new URL('/packages/threads/test-goroutines/own-channel.mjs', location.href);
      const running = [threads.go(owner, out, 20, 0), threads.go(owner, out, 20, 0)];
      const theirs = [(await out.recv())[0], (await out.recv())[0]] as InstanceType<typeof channel.Channel<number>>[];
      const got: number[][] = [[], []];
      let open = 2;
      const cases: (InstanceType<typeof channel.Channel<number>> | null)[] = [...theirs];
      while (open > 0) {
        const [index, value, ok] = await channel.select(cases.map((ch) => channel.recv(ch)));
        if (ok) (got[index] as number[]).push(value as number);
        else {
          cases[index] = null; // a nil channel's case never runs, as in Go
          open--;
        }
      }
      const results = await Promise.all(running);
      await threads.close();
      return { got, results };
    });
    const inOrder = Array.from({ length: 20 }, (_, i) => i);
    expect(seen.got).toEqual([inOrder, inOrder]);
    expect(seen.results).toEqual(['done', 'done']);
  });

  test('an uncaught error on a thread fails its goroutine with a ThreadExitError that names it, and the thread is replaced', async () => {
    const page = await open(isolated);
    const seen = await page.evaluate(async () => {
      const { threads } = window.gochan;
      threads.GOMAXPROCS(1);
      const goroutine = (name: string) => new URL(`/packages/threads/test-goroutines/${name}.mjs`, location.href);
      const before = await threads.go(goroutine('thread-id'));
      const error = (await threads.go(goroutine('uncaught'), 'boom in a timer').catch((e: unknown) => e)) as InstanceType<typeof threads.ThreadExitError>;
      const rejected = (await threads.go(goroutine('reject-later'), 'nobody handled me').catch((e: unknown) => e)) as InstanceType<typeof threads.ThreadExitError>;
      const after = await threads.go(goroutine('thread-id'));
      const sum = await threads.go(goroutine('add'), 20, 22);
      await threads.close();
      const describe = (e: InstanceType<typeof threads.ThreadExitError>) => ({
        isThreadExitError: e instanceof threads.ThreadExitError,
        message: e.message,
        thread: e.thread,
        exitCode: e.exitCode,
        cause: e.cause instanceof Error ? `${e.cause.name}: ${e.cause.message}` : String(e.cause),
      });
      return { before, error: describe(error), rejected: describe(rejected), after, sum };
    });
    expect(seen.error).toEqual({
      isThreadExitError: true,
      message: `thread ${seen.before} died of an uncaught Error: boom in a timer`,
      thread: seen.before,
      exitCode: undefined, // a Web Worker has no exit code
      cause: 'Error: boom in a timer',
    });
    // An unhandled rejection kills the thread too, as on Node.
    expect(seen.rejected.isThreadExitError).toBe(true);
    expect(seen.rejected.message).toMatch(/died of an uncaught TypeError: nobody handled me$/);
    expect(seen.rejected.thread).not.toBe(seen.before);
    expect(seen.after).not.toBe(seen.before);
    expect(seen.after).not.toBe(seen.rejected.thread);
    expect(seen.sum).toBe(42);
  });
});

describe('a thread killed at a moment fast-check picks', () => {
  test('mid-send: the living thread\'s values all arrive once, in order; the dead one\'s are an in-order prefix; its goroutine fails', async () => {
    const page = await open(isolated);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 30 }), async (capacity, dieAt, count) => {
        const seen = await page.evaluate(
          async ([capacity, dieAt, count]) => {
            const { channel, threads } = window.gochan;
            threads.GOMAXPROCS(2);
            const goroutine = (name: string) => new URL(`/packages/threads/test-goroutines/${name}.mjs`, location.href);
            const ch = new channel.Channel<number>(capacity);
            const dying = threads.go(goroutine('send-then-throw'), ch, 0, dieAt).then(
              () => 'returned',
              (error: Error) => `${error.name}: ${error.message}`,
            );
            const living = threads.go<number>(goroutine('send-all'), ch, 1000, count, false);
            const received: number[] = [];
            let died = false;
            void dying.then(() => (died = true));
            let fromLiving = 0;
            while (fromLiving < count || !died) {
              // A receive that times out has taken nothing; one that ran is counted.
              const result = await ch.recv(AbortSignal.timeout(50)).catch(() => undefined);
              if (result === undefined) continue;
              received.push(result[0] as number);
              if ((result[0] as number) >= 1000) fromLiving++;
            }
            // Anything the dead thread's last send left in the buffer.
            for (let r = ch.tryRecv(); r !== undefined && r[1]; r = ch.tryRecv()) received.push(r[0] as number);
            const result = { dying: await dying, living: await living, received };
            await threads.close();
            return result;
          },
          [capacity, dieAt, count] as const,
        );
        expect(seen.dying).toMatch(new RegExp(`^ThreadExitError: thread \\d+ died of an uncaught Error: killed at ${dieAt}$`));
        expect(seen.living).toBe(count);
        expect(seen.received.filter((v) => v >= 1000)).toEqual(Array.from({ length: count }, (_, i) => 1000 + i));
        const dead = seen.received.filter((v) => v < 1000);
        expect(dead).toEqual(Array.from({ length: dead.length }, (_, i) => i));
        expect(dead.length === dieAt || dead.length === dieAt + 1).toBe(true);
      }),
      { numRuns: 10 },
    );
  }, 180_000);
});

describe('in a page that is not cross-origin isolated', () => {
  test('go() rejects, and GOMAXPROCS() throws, an error that names the COOP/COEP headers', async () => {
    const page = await open({ isolated: false, resolveInWorkers: true });
    const seen = await page.evaluate(async () => {
      const { threads } = window.gochan;
      const rejected = await threads.go(new URL('/packages/threads/test-goroutines/add.mjs', location.href), 1, 2).then(
        () => 'resolved',
        (error: Error) => error.message,
      );
      let thrown = 'returned';
      try {
        threads.GOMAXPROCS();
      } catch (error) {
        thrown = (error as Error).message;
      }
      return { isolated: crossOriginIsolated, sab: typeof SharedArrayBuffer, rejected, thrown };
    });
    expect(seen.isolated).toBe(false);
    expect(seen.sab).toBe('undefined');
    expect(seen.rejected).toMatch(/not cross-origin isolated/);
    expect(seen.rejected).toMatch(/Cross-Origin-Opener-Policy: same-origin/);
    expect(seen.rejected).toMatch(/Cross-Origin-Embedder-Policy: require-corp/);
    expect(seen.thrown).toBe(seen.rejected);
  });
});

describe('on a server that leaves the workers\' bare specifiers to the import map', () => {
  test('go() fails with a ThreadExitError saying the thread\'s module did not load, instead of waiting for ever', async () => {
    const page = await open({ isolated: true, resolveInWorkers: false });
    const seen = await page.evaluate(async () => {
      const { threads } = window.gochan;
      const error = (await threads.go(new URL('/packages/threads/test-goroutines/add.mjs', location.href), 1, 2).catch((e: unknown) => e)) as Error;
      await threads.close();
      return { name: error.name, message: error.message };
    });
    expect(seen.name).toBe('ThreadExitError');
    expect(seen.message).toMatch(/module failed to load/);
    expect(seen.message).toMatch(/import map/);
  });
});
