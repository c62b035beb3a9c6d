// The examples of Go's context documentation (example_test.go), translated,
// each checked against Go's "Output:" block. Each example prints into `out`
// instead of the console.
import { after, Channel, recv, select, send, type RecvChannel } from '@gochan/channel';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  afterFunc,
  background,
  cause,
  withCancel,
  withCancelCause,
  withDeadline,
  withTimeout,
  withValue,
  type Context,
} from './index.js';

const shortDuration = 1; // ms: a reasonable duration to block in an example

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Go example_test.go', () => {
  test('ExampleWithCancel: a generator that stops when its context is cancelled', async () => {
    const out: number[] = [];
    let generatorReturned = false;
    // gen sends integers on the returned channel until ctx is cancelled; the
    // caller must cancel ctx once it has what it wants, or gen never returns.
    const gen = (ctx: Context): RecvChannel<number> => {
      const dst = new Channel<number>();
      void (async () => {
        for (let n = 1; ; ) {
          const [index] = await select([recv(ctx.done()), send(dst, n)]);
          if (index === 0) break; // returning not to leak the task
          n++;
        }
        generatorReturned = true;
      })();
      return dst;
    };

    const [ctx, cancel] = withCancel(background());
    try {
      for await (const n of gen(ctx)) {
        out.push(n);
        if (n === 5) break;
      }
    } finally {
      cancel(); // cancel when we are finished consuming integers
    }
    await vi.advanceTimersByTimeAsync(0);
    expect(out).toEqual([1, 2, 3, 4, 5]);
    expect(generatorReturned, 'the generator returned once ctx was cancelled').toBe(true);
  });

  test('ExampleWithDeadline: a wait abandoned at the deadline', async () => {
    const out: string[] = [];
    const example = async () => {
      const d = Date.now() + shortDuration;
      const [ctx, cancel] = withDeadline(background(), d);
      // Even though ctx will be expired, it is good practice to call its
      // cancel function in any case.
      try {
        const [index] = await select([recv(after(1000)), recv(ctx.done())]);
        out.push(index === 0 ? 'overslept' : String(ctx.err()?.message));
      } finally {
        cancel();
      }
    };
    const running = example();
    await vi.advanceTimersByTimeAsync(shortDuration);
    await running;
    expect(out).toEqual(['context deadline exceeded']);
  });

  test('ExampleWithTimeout: a wait abandoned after the timeout', async () => {
    const out: string[] = [];
    const example = async () => {
      const [ctx, cancel] = withTimeout(background(), shortDuration);
      try {
        const [index] = await select([recv(after(1000)), recv(ctx.done())]);
        out.push(index === 0 ? 'overslept' : String(ctx.err()?.message)); // prints "context deadline exceeded"
      } finally {
        cancel();
      }
    };
    const running = example();
    await vi.advanceTimersByTimeAsync(shortDuration);
    await running;
    expect(out).toEqual(['context deadline exceeded']);
  });

  test('ExampleWithValue: a value found by its key, and a key not found', () => {
    const out: string[] = [];
    const f = (ctx: Context, k: string) => {
      const v = ctx.value(k);
      if (v !== undefined) {
        out.push(`found value: ${String(v)}`);
        return;
      }
      out.push(`key not found: ${k}`);
    };
    const k = 'language';
    const ctx = withValue(background(), k, 'Go');
    f(ctx, k);
    f(ctx, 'color');
    expect(out).toEqual(['found value: Go', 'key not found: color']);
  });

  test('ExampleAfterFunc_connection: a blocking read interrupted by the context', async () => {
    const out: string[] = [];
    // readFromConn reads from conn, and gives up when ctx is done: the
    // AfterFunc plays the part of conn.SetReadDeadline(time.Now()).
    const readFromConn = async (ctx: Context, conn: Channel<string>): Promise<unknown> => {
      const readDeadline = new AbortController();
      const stopc = new Channel<never>();
      const stop = afterFunc(ctx, () => {
        readDeadline.abort(new Error('i/o timeout'));
        stopc.close();
      });
      let err: unknown;
      try {
        await conn.recv(readDeadline.signal);
      } catch (error) {
        err = error;
      }
      if (!stop()) {
        // The AfterFunc was started: wait for it to complete.
        await stopc.recv();
        return ctx.err();
      }
      return err;
    };

    const conn = new Channel<string>(); // nobody ever writes to it
    const [ctx, cancel] = withTimeout(background(), shortDuration);
    const reading = readFromConn(ctx, conn);
    await vi.advanceTimersByTimeAsync(shortDuration);
    out.push(String(((await reading) as Error).message));
    cancel();
    expect(out).toEqual(['context deadline exceeded']);
  });

  test('ExampleAfterFunc_merge: the cause of whichever context ended first', async () => {
    const out: string[] = [];
    const mergeCancel = (ctx: Context, cancelCtx: Context): [Context, () => void] => {
      const [merged, cancel] = withCancelCause(ctx);
      const stop = afterFunc(cancelCtx, () => cancel(cause(cancelCtx)));
      return [merged, () => (stop(), cancel())];
    };
    const [ctx1, cancel1] = withCancelCause(background());
    const [ctx2, cancel2] = withCancelCause(background());
    const [mergedCtx, mergedCancel] = mergeCancel(ctx1, ctx2);
    cancel2(new Error('ctx2 canceled'));
    await mergedCtx.done().recv();
    out.push((cause(mergedCtx) as Error).message);
    mergedCancel();
    cancel1(new Error('ctx1 canceled'));
    expect(out).toEqual(['ctx2 canceled']);
  });
});

