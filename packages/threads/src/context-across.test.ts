import { Channel } from '@gochan/channel';
import { background, withCancelCause, withTimeout } from '@gochan/context';
import { afterEach, describe, expect, test } from 'vitest';
import { close, go } from './index.js';
import { fixture } from './test-fixtures.js';

afterEach(async () => {
  await close();
});

describe('contexts across threads', () => {
  test('a context cancelled here is cancelled there: its signal aborts, with the cause', async () => {
    const [ctx, cancel] = withCancelCause(background());
    const started = new Channel<string>();
    const waiting = go(fixture('context-wait'), ctx, started);
    await started.recv();
    cancel(new Error('stop now'));
    expect(await waiting).toEqual({ err: 'context canceled', cause: 'stop now', deadline: undefined });
  });

  test('a deadline crosses: the context there expires with DeadlineExceeded at the same deadline', async () => {
    const [ctx, cancel] = withTimeout(background(), 80);
    const started = new Channel<string>(1);
    const result = await go(fixture('context-wait'), ctx, started);
    cancel();
    expect(result).toEqual({ err: 'context deadline exceeded', cause: 'context deadline exceeded', deadline: ctx.deadline()?.getTime() });
  });

  test('an already cancelled context arrives cancelled', async () => {
    const [ctx, cancel] = withCancelCause(background());
    cancel(new Error('before'));
    const started = new Channel<string>(1);
    expect(await go(fixture('context-wait'), ctx, started)).toEqual({ err: 'context canceled', cause: 'before', deadline: undefined });
  });
});
