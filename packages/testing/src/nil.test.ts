// Go's nil channel under a test run: a send or receive on it parks for ever,
// which is a deadlock once nothing else can run, reported in Go's words
// ("chan send (nil chan)", "chan receive (nil chan)").
import { Channel, nil, recv, select } from '@gochan/channel';
import { describe, expect, test } from 'vitest';
import { DeadlockError } from './deadlock-error.js';
import { label } from './labels.js';
import { oneScheduler, rejection } from './test-support.js';

const GO = 'fatal error: all goroutines are asleep - deadlock!\n\n';

describe('the nil channel under a test run', () => {
  test('main sends on a nil channel: Go\'s "chan send (nil chan)" deadlock', async () => {
    const error = await rejection(oneScheduler().run(() => nil.send(1 as never)));
    expect(error).toBeInstanceOf(DeadlockError);
    expect(error.message.startsWith(`${GO}goroutine 1 [chan send (nil chan)]:\n    send on the nil chan (never ready)\n`)).toBe(true);
  });

  test('main ranges over a channel variable set to nil: Go\'s "chan receive (nil chan)" deadlock', async () => {
    const error = await rejection(
      oneScheduler().run(async () => {
        let ch: Channel<number> = label(new Channel<number>(1), 'input');
        ch = nil;
        await ch.recv();
      }),
    );
    expect(error.message.startsWith(`${GO}goroutine 1 [chan receive (nil chan)]:\n    receive from the nil chan (never ready)\n`)).toBe(true);
  });

  test('a select loop that sets a closed channel to nil ends on the other case', async () => {
    const got = await oneScheduler().run(async () => {
      let input: Channel<number> = new Channel<number>();
      const done = new Channel<void>();
      void (async () => {
        for (let i = 1; i <= 3; i++) await input.send(i);
        input.close();
        done.close();
      })();
      const seen: number[] = [];
      for (;;) {
        const [i, v, ok] = await select([recv(input), recv(done)]);
        if (i === 1) return seen;
        if (!ok) input = nil;
        else seen.push(v);
      }
    });
    expect(got).toEqual([1, 2, 3]);
  });
});
