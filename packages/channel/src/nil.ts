import { Channel, WOULD_BLOCK, type Outcome, type RecvResult } from './channel.js';
import { hooks, type ParkReason } from './hooks.js';
import { recv } from './select.js';

/*
 * The nil channel: Go's zero value of a channel type (`var ch chan int`).
 * Go's runtime gives it no buffer and no queues; every operation checks
 * `c == nil` first (chansend, chanrecv, closechan, selectgo):
 *  - a send or a receive blocks for ever (gopark with "chan send (nil
 *    chan)" / "chan receive (nil chan)"): under the deadlock watcher, or the
 *    test runtime, that is a deadlock once nothing else can run;
 *  - a select case on it is never ready;
 *  - close panics "close of nil channel";
 *  - len and cap are 0, and it is never closed.
 *
 * Here it is one object, `nil`, of a subclass of Channel, so that it can be
 * stored and passed wherever a Channel is. Its queues stay empty for good:
 * its own operations never park on them, and its select cases are
 * `recv(null)`'s and `send(null, v)`'s (its receive case is recv(null)'s
 * shared one, which is how send() recognises it), which select skips, as
 * Go's selectgo skips nil channels. A select that waits for ever on it is
 * then held by nothing, as on any channel nobody can reach.
 */

/** Go's panic text for closing a nil channel. */
export const CLOSE_OF_NIL = 'close of nil channel';

/** The class of `nil`: every operation checks for nil first, as Go's runtime does, so the channel's own code is untouched. */
class NilChannel extends Channel<never> {
  /** Blocks for ever (Go's send on a nil channel); an abort of `signal` withdraws it. */
  override send(_value: never, signal?: AbortSignal): Promise<void> {
    return forever(signal, 'chan send (nil chan)', this);
  }

  /** Never ready: false. */
  override trySend(_value: never): boolean {
    return false;
  }

  /** Blocks for ever (Go's receive from a nil channel); an abort of `signal` withdraws it. */
  override recv(signal?: AbortSignal): Promise<RecvResult<never>> {
    return forever(signal, 'chan receive (nil chan)', this);
  }

  /** Never ready: undefined. */
  override tryRecv(): RecvResult<never> | undefined {
    return undefined;
  }

  /** Go's `close(nil)` panics: throws "close of nil channel". */
  override close(): void {
    throw new Error(CLOSE_OF_NIL);
  }

  /** `for range nil` blocks for ever. */
  override [Symbol.asyncIterator](): AsyncIterableIterator<never> {
    const channel = this;
    return {
      next: () => forever<IteratorResult<never>>(undefined, 'chan receive (nil chan)', channel),
      return: () => Promise.resolve({ value: undefined, done: true }),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** @internal A select's poll and trySend: never ready. */
  override offer(_value: never): Outcome {
    return WOULD_BLOCK;
  }

  /** @internal A select's poll: never ready. */
  override canRecv(): boolean {
    return false;
  }

  /** @internal A select's poll: never ready. */
  override canSend(): boolean {
    return false;
  }
}

/**
 * A wait that never ends, Go's gopark with no one to wake it: it settles
 * only by rejecting with `signal.reason` when `signal` aborts. Its promise
 * goes through the runtime seam, so that the watcher and the test runtime
 * see it parked (and call it a deadlock when nothing else can run).
 */
function forever<R>(signal: AbortSignal | undefined, reason: ParkReason, on: object): Promise<R> {
  if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
  const promise = new Promise<R>((_resolve, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  return hooks === null ? promise : hooks.park(promise, reason, on); // seam: park
}

/**
 * nil is Go's nil channel, the zero value of `chan T`: a channel on which
 * a send or a receive waits for ever (an `AbortSignal` can still withdraw
 * it), a select case is never ready, and `close` throws Go's "close of nil
 * channel"; `length` and `capacity` are 0 and it is never closed. It is a
 * {@link Channel} of every element type, so a variable or field that holds
 * a channel can hold it. `recv(null)` and `null` in a select's case list
 * remain the same never-ready case.
 *
 * The idiom it serves is Go's: set a channel variable to nil to switch its
 * case off in a select loop, and keep using the variable as a channel.
 *
 * @example
 * ```ts
 * let input: Channel<number> = source;     // var input chan int = source
 * for (;;) {
 *   const [i, v, ok] = await select([recv(input), recv(done)]);
 *   if (i === 1) break;
 *   if (!ok) input = nil;                   // closed: never ready again
 *   else use(v);
 * }
 * ```
 */
export const nil: Channel<never> = new NilChannel();
nil.recvCase = recv(null);
