// TypeScript against the published declarations of the three packages that
// run anywhere: this file only has to type-check (tsc --noEmit, skipLibCheck
// off), in a browser project (DOM lib, no @types/node) and in a Node project
// (@types/node, no DOM lib).
import { Channel, ClosedChannelError, Ticker, Timer, after, recv, select, tick, type RecvChannel, type SendChannel } from '@gochan/channel';
import { Group, withContext } from '@gochan/errgroup';
import { Weighted } from '@gochan/semaphore';
import { background, withCancel, withTimeout, type CancelFunc, type Context } from '@gochan/context';
import { WaitGroup } from '@gochan/waitgroup';
import { GOMAXPROCS, ThreadExitError, go, setResourceLimits, type ResourceLimits } from '@gochan/threads';

const numbers = new Channel<number>(1);
const sendSide: SendChannel<number> = numbers;
const recvSide: RecvChannel<number> = numbers;
await sendSide.send(1);

const [value, ok] = await recvSide.recv();
if (ok) {
  const n: number = value;
  void n;
} else {
  const nothing: undefined = value;
  void nothing;
}

const [index, received] = await select([recv(numbers), recv(after(10))]);
if (index === 0) {
  const n: number | undefined = received;
  // @ts-expect-error select narrows by index: case 0 carries a number, not a Date.
  const wrong: Date | undefined = received;
  void n, wrong;
}

const error: Error = new ClosedChannelError('send on closed channel');
void error;

const wg = new WaitGroup();
wg.go(async () => undefined);
await wg.wait(AbortSignal.timeout(1_000));

const [parent, cancelParent]: [Context, CancelFunc] = withCancel(background());
const [ctx, cancel] = withTimeout(parent, 10);
const signal: AbortSignal = ctx.signal;
void signal;
cancel();
cancelParent();


const ticker = new Ticker(10);
const ticks: RecvChannel<Date> = ticker.c;
void ticks;
ticker.stop();
const timer = new Timer(10);
const stopped: boolean = timer.stop();
void stopped, tick;
const [group, groupCtx]: [Group, Context] = withContext(ctx);
await group.go(async () => groupCtx.err());
await group.wait();
const sem = new Weighted(4);
await sem.acquire(2, AbortSignal.timeout(100));
sem.release(2);

// @gochan/threads: its types need no Node types either.
const squared: number = await go<number>(new URL('./square.js', import.meta.url), 7, numbers);
const limits: ResourceLimits = { maxOldGenerationSizeMb: 64 };
setResourceLimits(limits);
const procs: number = GOMAXPROCS();
const died: unknown = new ThreadExitError(1, 'thread 1 exited with code 1', { exitCode: 1 });
void squared, procs, died;
