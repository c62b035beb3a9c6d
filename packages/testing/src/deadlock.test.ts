// The four classic Go deadlocks, each reported in Go's words by a test run,
// and programs that end normally, which are not.
import { Channel, after, recv, select, send } from '@gochan/channel';
import { background, withCancel } from '@gochan/context';
import { WaitGroup } from '@gochan/waitgroup';
import { describe, expect, test } from 'vitest';
import { DeadlockError } from './deadlock-error.js';
import { label } from './labels.js';
import { oneScheduler, rejection } from './test-support.js';

const GO = 'fatal error: all goroutines are asleep - deadlock!\n\n';

describe('the classic deadlocks', () => {
  test('main receives on an unbuffered channel nobody sends to', async () => {
    const error = await rejection(
      oneScheduler().run(async () => {
        const ch = label(new Channel<number>(), 'results');
        await ch.recv();
      }),
    );
    expect(error).toBeInstanceOf(DeadlockError);
    expect(error.message.startsWith(`${GO}goroutine 1 [chan receive]:\n    receive from chan "results" (unbuffered)\n`)).toBe(true);
    // Where it parked: this file.
    expect(error.message).toMatch(/deadlock\.test\.ts:\d+/);
  });

  test('two goroutines, each waiting for the other', async () => {
    const error = await rejection(
      oneScheduler().run(async () => {
        const ping = label(new Channel<string>(), 'ping');
        const pong = label(new Channel<string>(), 'pong');
        const a = async () => {
          await ping.recv();
          await pong.send('a');
        };
        const b = async () => {
          await pong.recv();
          await ping.send('b');
        };
        await Promise.all([a(), b()]);
      }),
    );
    expect(error).toBeInstanceOf(DeadlockError);
    expect(error.message).toContain('goroutine 1 [chan receive]:\n    receive from chan "ping" (unbuffered)');
    expect(error.message).toContain('goroutine 2 [chan receive]:\n    receive from chan "pong" (unbuffered)');
    expect((error as DeadlockError).parked).toBe(2);
  });

  test('a WaitGroup that is never done', async () => {
    const error = await rejection(
      oneScheduler().run(async () => {
        const wg = label(new WaitGroup(), 'workers');
        for (let i = 0; i < 3; i++) {
          wg.add(1);
          void (async () => {
            if (i !== 1) wg.done(); // worker 1 forgets
          })();
        }
        await wg.wait();
      }),
    );
    expect(error).toBeInstanceOf(DeadlockError);
    expect(error.message).toContain(`${GO}goroutine 1 [sync.WaitGroup.Wait]:\n    wait on WaitGroup "workers" (counter 1)`);
  });

  test('a range over a channel nobody closes', async () => {
    const error = await rejection(
      oneScheduler().run(async () => {
        const jobs = label(new Channel<number>(3), 'jobs');
        void (async () => {
          for (let j = 0; j < 3; j++) await jobs.send(j); // and no close(jobs)
        })();
        let sum = 0;
        for await (const j of jobs) sum += j;
        return sum;
      }),
    );
    expect(error).toBeInstanceOf(DeadlockError);
    expect(error.message).toContain(`${GO}goroutine `);
    expect(error.message).toContain('[chan receive]:\n    range over chan "jobs" (buffered, 0 of 3)');
  });

  test('an unlabelled channel is named by where it was made', async () => {
    const error = await rejection(oneScheduler().run(() => new Channel<number>().send(1)));
    expect(error.message).toMatch(/\[chan send\]:\n    send on chan made at .*deadlock\.test\.ts:\d+:\d+ \(unbuffered\)/);
  });

  test('a select lists its cases, a nil case as never ready', async () => {
    const error = await rejection(
      oneScheduler().run(async () => {
        const a = label(new Channel<number>(), 'a');
        const b = label(new Channel<string>(2), 'b');
        b.trySend('x');
        b.trySend('y');
        await select([recv(a), send(b, 'z'), recv(null)]);
      }),
    );
    expect(error.message).toContain(`${GO}goroutine 1 [select]:\n    select on receive from chan "a" (unbuffered), send on chan "b" (buffered, 2 of 2), receive from a nil channel (never ready)\n`);
  });

  test("a context that is never cancelled: its done channel is named by where the caller asked for it", async () => {
    const error = await rejection(
      oneScheduler().run(async () => {
        const [ctx] = withCancel(background());
        await ctx.done().recv(); // nobody calls cancel
      }),
    );
    expect(error.message).toMatch(/goroutine 1 \[chan receive\]:\n {4}receive from chan made at .*deadlock\.test\.ts:\d+:\d+ \(unbuffered\)/);
  });

  test('select {} with no case: Go\'s "select (no cases)"', async () => {
    const error = await rejection(oneScheduler().run(() => select([])));
    expect(error.message).toContain('goroutine 1 [select (no cases)]:');
  });
});

describe('programs that end normally', () => {
  test('a producer that closes and a consumer that ranges: no report, the result', async () => {
    const sum = await oneScheduler().run(async () => {
      const ch = new Channel<number>();
      void (async () => {
        for (let i = 1; i <= 4; i++) await ch.send(i);
        ch.close();
      })();
      let total = 0;
      for await (const v of ch) total += v;
      return total;
    });
    expect(sum).toBe(10);
  });

  test('goroutines still parked when main returns are not a deadlock (as in Go)', async () => {
    const result = await oneScheduler().run(async () => {
      const never = new Channel<number>();
      void never.recv(); // leaked, as a goroutine blocked forever is when main returns
      return 'main returned';
    });
    expect(result).toBe('main returned');
  });

  test('a wait on a timer is no deadlock: virtual time jumps to it, at once', async () => {
    const started = performance.now();
    const index = await oneScheduler().run(async () => {
      const [i] = await select([recv(new Channel<number>()), recv(after(60_000))]);
      return i;
    });
    expect(index).toBe(1);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  test("the body's error is the run's error", async () => {
    const error = await rejection(oneScheduler().run(async () => {
      throw new Error('boom');
    }));
    expect(error.message).toBe('boom');
  });
});
