import { Channel, ClosedChannelError, currentHooks, type RecvResult } from '@gochan/channel';
import type { Requests } from './requests.js';

/**
 * RemoteChannel stands, on one thread, for a channel whose home is another:
 * the thread where it was made, which keeps its buffer and wait queues. Every
 * operation is carried out at the home (requests.ts), so every Go rule holds
 * as it does there: an unbuffered send resolves once a receiver has the
 * value, waiters are served in order, a close fails the senders waiting on
 * any thread.
 *
 * It is a Channel, so that it goes wherever one goes (select, recv(), send(),
 * `for await`, the pool). What cannot be known here without asking the home
 * differs from a local channel:
 *  - `trySend`, `tryRecv` and `trySelect` cannot complete without waiting on
 *    the home, and throw a TypeError that says so;
 *  - `length` is 0; `closed` is true once this thread has seen the close.
 */
export class RemoteChannel<T> extends Channel<T> {
  /** @internal Set once this thread knows the channel is closed. */
  knownClosed = false;

  constructor(
    private readonly requests: Requests,
    /** @internal The thread that owns the channel. */
    readonly home: number,
    /** @internal Its id there. */
    readonly remoteId: number,
    capacity: number,
  ) {
    super(capacity);
  }

  override get foreign(): boolean {
    return true;
  }

  override get length(): number {
    return 0;
  }

  override get closed(): boolean {
    return this.knownClosed;
  }

  override send(value: T, signal?: AbortSignal): Promise<void> {
    const sent = this.requests.send(this, value, signal);
    const hooks = currentHooks();
    return hooks === null ? sent : hooks.park(sent, 'chan send', this); // seam: park, as a local send's
  }

  override recv(signal?: AbortSignal): Promise<RecvResult<T>> {
    const received = this.requests.recv(this, signal) as Promise<RecvResult<T>>;
    const hooks = currentHooks();
    return hooks === null ? received : hooks.park(received, 'chan receive', this); // seam: park, as a local receive's
  }

  override trySend(): boolean {
    throw new TypeError(notHere('trySend', this.home));
  }

  override tryRecv(): RecvResult<T> | undefined {
    throw new TypeError(notHere('tryRecv', this.home));
  }

  override close(): void {
    if (this.knownClosed) throw new ClosedChannelError('close of closed channel');
    this.knownClosed = true;
    this.requests.close(this);
  }

  canRecv(): boolean {
    return false;
  }

  canSend(): boolean {
    return false;
  }

  override [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    const channel = this;
    let finished = false;
    return {
      async next(): Promise<IteratorResult<T>> {
        if (finished) return { value: undefined, done: true };
        const [value, ok] = await channel.recv();
        if (ok) return { value: value as T, done: false };
        finished = true;
        return { value: undefined, done: true };
      },
      async return(): Promise<IteratorResult<T>> {
        finished = true;
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}

function notHere(what: string, home: number): string {
  return `${what}: the channel lives on thread ${home}, and another thread's channel cannot be tried without waiting; use send(), recv() or select(), with an AbortSignal to bound the wait`;
}
