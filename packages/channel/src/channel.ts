import { describe } from './describe.js';
import { hooks } from './hooks.js';
import { CLOSE_OF_CLOSED, ClosedChannelError, SEND_ON_CLOSED } from './errors.js';
import { RESOLVED, pace, paced, pacedWith, resumeWith } from './pace.js';
import { Ring } from './ring.js';
import { CASE, NEXT, NONE, RECV, SEND, WaitQueue, Waiter, promiseFor } from './waiter.js';

/*
 * Channel<T> follows Go's runtime/chan.go: a ring buffer and two FIFO queues
 * of parked operations, a receive queue and a send queue.
 *
 * Invariants (checked by the tests after every step, see test-invariants.ts):
 *  - At least one of recvq and sendq is empty, except on an unbuffered
 *    channel where one waiting select has both a send and a receive case on
 *    this same channel (nobody else can pair them, as in Go).
 *  - Values in the buffer imply no waiting receiver: length > 0 => recvq empty.
 *  - Room in the buffer implies no waiting sender: length < capacity => sendq
 *    empty.
 *  - Once closed, both queues are empty for good: close wakes every waiter,
 *    and no operation parks on a closed channel.
 *  - Every queued waiter can still happen: the operation that settles a
 *    waiter (a partner, close, an abort, a sibling select case winning)
 *    unlinks it in the same synchronous step.
 *
 * Every operation climbs the same ladder as Go's chansend/chanrecv: closed?
 * a partner waiting on the other side (hand the value over directly)? room,
 * or a value, in the buffer? otherwise park (or, for try*, give up).
 * The channel's state is fully updated before any promise is resolved, and
 * resolving a promise runs no user code, so no caller ever observes a
 * half-done operation.
 */

/** RecvResult is the result of a receive, Go's `v, ok := <-ch`: `ok` is false once the channel is closed and drained. */
export type RecvResult<T> = [value: T, ok: true] | [value: undefined, ok: false];

/**
 * SendChannel is the send side of a channel, Go's `chan<- T`: what a
 * producer needs, and nothing to receive with.
 */
export interface SendChannel<T> {
  /** The buffer's size, Go's `cap(ch)`; 0 for an unbuffered channel. */
  readonly capacity: number;
  /** Values waiting in the buffer, Go's `len(ch)`. */
  readonly length: number;
  /** Whether `close()` has been called. */
  readonly closed: boolean;
  /** Go's `ch <- v`; see {@link Channel.send}. */
  send(value: T, signal?: AbortSignal): Promise<void>;
  /** Go's `select { case ch <- v: default: }`; see {@link Channel.trySend}. */
  trySend(value: T): boolean;
  /** Go's `close(ch)`; see {@link Channel.close}. */
  close(): void;
}

/**
 * RecvChannel is the receive side of a channel, Go's `<-chan T`: what a
 * consumer needs, and nothing to send or close with.
 */
export interface RecvChannel<T> extends AsyncIterable<T> {
  /** The buffer's size, Go's `cap(ch)`; 0 for an unbuffered channel. */
  readonly capacity: number;
  /** Values waiting in the buffer, Go's `len(ch)`. */
  readonly length: number;
  /** Whether `close()` has been called (values may still be buffered). */
  readonly closed: boolean;
  /** Go's `v, ok := <-ch`; see {@link Channel.recv}. */
  recv(signal?: AbortSignal): Promise<RecvResult<T>>;
  /** Go's `select { case v, ok := <-ch: default: }`; see {@link Channel.tryRecv}. */
  tryRecv(): RecvResult<T> | undefined;
}

/** The receive result after close, shared: it is frozen, and a receive on a drained closed channel allocates nothing. */
const CLOSED_RESULT = Object.freeze([undefined, false]) as unknown as [undefined, false];
/** The iterator result after close, shared and frozen. */
const DONE = Object.freeze({ value: undefined, done: true }) as IteratorReturnResult<undefined>;
const DONE_PROMISE: Promise<IteratorReturnResult<undefined>> = Promise.resolve(DONE);
/** Options for an abort listener; shared so that listening allocates no options object. */
const ONCE: AddEventListenerOptions = Object.freeze({ once: true });

/** Outcomes of the non-parking halves of send and receive. */
export const DONE_NOW = 1;
export const IS_CLOSED = 0;
export const WOULD_BLOCK = -1;
export type Outcome = typeof DONE_NOW | typeof IS_CLOSED | typeof WOULD_BLOCK;

/**
 * Channel is Go's `chan T`: a typed conduit between asynchronous tasks, with
 * an optional buffer, that hands each value to exactly one receiver, in the
 * order sent.
 *
 * @example
 * ```ts
 * const ch = new Channel<number>(1); // make(chan int, 1)
 * await ch.send(1);                  // ch <- 1: room in the buffer, returns at once
 * const [v, ok] = await ch.recv();   // v, ok := <-ch  →  1, true
 * ch.close();
 * for await (const v of ch) {}       // for v := range ch: ends once closed and drained
 * ```
 */
export class Channel<T> implements SendChannel<T>, RecvChannel<T> {
  /** The buffer's size, Go's `cap(ch)`; fixed at construction, 0 when unbuffered. */
  readonly capacity: number;
  /** @internal The buffered values (Go's buf, recvx, sendx, qcount). */
  readonly buffer: Ring<T>;
  /** @internal Parked receivers, oldest first (Go's recvq). */
  readonly recvq: WaitQueue<T> = new WaitQueue<T>();
  /** @internal Parked senders, oldest first (Go's sendq); each holds the value it offers. */
  readonly sendq: WaitQueue<T> = new WaitQueue<T>();
  /** @internal Set once by close(), never cleared. */
  isClosed = false;
  /** @internal The receive case `recv(this)` returns for select, made once (select.ts). */
  recvCase: object | null = null;

  /**
   * Whether this channel lives on another thread and this object stands for
   * it (`@gochan/threads`): select then cannot poll it here, and hands the
   * whole select to the thread runtime (see {@link setForeignSelect}).
   */
  get foreign(): boolean {
    return false;
  }

  /**
   * Creates a channel, as Go's `make(chan T, capacity)`.
   *
   * @param capacity - The buffer's size: omitted or 0 for an unbuffered
   *   channel, where a send waits until a receiver takes the value.
   * @throws RangeError if `capacity` is not a non-negative safe integer.
   */
  constructor(capacity: number = 0) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) {
      throw new RangeError(`Expected \`capacity\` to be a non-negative safe integer, got ${describe(capacity)}`);
    }
    this.capacity = capacity;
    this.buffer = new Ring<T>(capacity);
    if (hooks !== null) hooks.made(this); // seam: where it was made, for reports
  }

  /** Values waiting in the buffer, Go's `len(ch)`; always 0 when unbuffered. */
  get length(): number {
    return this.buffer.length;
  }

  /** Whether `close()` has been called. Values sent before may still be waiting to be received. */
  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * send is Go's `ch <- value`. It resolves once the value is in the buffer
   * or, on an unbuffered channel, once a receiver has taken it. Waiting
   * senders are served in the order they began to wait.
   *
   * @param signal - Aborting it while the send waits withdraws the send: the
   *   promise rejects with `signal.reason` and no receiver ever gets the value.
   * @throws ClosedChannelError (as a rejection) if the channel is closed, or
   *   closes while the send waits: Go's "send on closed channel".
   */
  send(value: T, signal?: AbortSignal): Promise<void> {
    if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
    // Go's chansend, written out here rather than through offer() so that the
    // hot path is one flat function the optimizing compiler inlines whole.
    if (this.isClosed) return rejectClosed();
    const receiver = this.recvq.dequeue();
    if (receiver !== null) {
      wakeReceiver(receiver, value, true, this.capacity > 0 && this.recvq.head === null);
      return paced();
    }
    const buffer = this.buffer;
    if (buffer.length < this.capacity) {
      buffer.put(value);
      return paced();
    }
    // Park (Go's gopark): one waiter and one promise; a signal only if given.
    const waiter = new Waiter<T>(SEND, value, null, 0);
    const promise = promiseFor<void>(waiter);
    this.sendq.enqueue(waiter);
    if (signal !== undefined) listen(waiter, signal);
    // The hooks read once: every read of an imported binding is checked for
    // its temporal dead zone, in bytecode that counts against the inlining
    // budget of send's callers (as in recv and next).
    const seam = hooks;
    return seam === null ? promise : seam.park(promise, 'chan send', this); // seam: park
  }

  /**
   * trySend is Go's `select { case ch <- value: default: }`: it sends only if
   * that can happen now (a receiver waits, or the buffer has room).
   *
   * @returns true if the value was sent, false if the send would have waited.
   * @throws ClosedChannelError if the channel is closed.
   */
  trySend(value: T): boolean {
    const outcome = this.offer(value);
    if (outcome === IS_CLOSED) throw new ClosedChannelError(SEND_ON_CLOSED);
    return outcome === DONE_NOW;
  }

  /**
   * recv is Go's `v, ok := <-ch`. It resolves with `[value, true]` for a
   * value sent on the channel, or `[undefined, false]` once the channel is
   * closed and its buffer drained. Waiting receivers are served in the order
   * they began to wait.
   *
   * @param signal - Aborting it while the receive waits withdraws it: the
   *   promise rejects with `signal.reason` and no value was taken.
   */
  recv(signal?: AbortSignal): Promise<RecvResult<T>> {
    if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
    // Go's chanrecv: a value in the buffer or a waiting sender? closed? park.
    if (this.buffer.length > 0 || this.sendq.head !== null) {
      const value = this.take();
      if (typeof value !== 'symbol' || value !== NONE) {
        // pace() and Promise.resolve here, beside the array literal: see pacedWith.
        const wait = pace();
        const result: RecvResult<T> = [value, true];
        return wait === null ? Promise.resolve(result) : resumeWith(wait, result);
      }
    }
    if (this.isClosed) return recvClosed();
    // Park (Go's gopark): one waiter and one promise; a signal only if given.
    const waiter = new Waiter<T>(RECV, undefined, null, 0);
    const promise = promiseFor<RecvResult<T>>(waiter);
    this.recvq.enqueue(waiter);
    if (signal !== undefined) listen(waiter, signal);
    const seam = hooks; // read once, as in send
    return seam === null ? promise : seam.park(promise, 'chan receive', this); // seam: park
  }

  /**
   * tryRecv is Go's `select { case v, ok := <-ch: default: }`: it receives
   * only if that can happen now.
   *
   * @returns `[value, true]` for a value, `[undefined, false]` if the channel
   *   is closed and drained, `undefined` if a receive would have waited.
   */
  tryRecv(): RecvResult<T> | undefined {
    if (this.buffer.length > 0 || this.sendq.head !== null) {
      const value = this.take();
      if (typeof value !== 'symbol' || value !== NONE) return [value, true];
    }
    return this.isClosed ? CLOSED_RESULT : undefined;
  }

  /**
   * close is Go's `close(ch)`: no more values will be sent. Receivers get the
   * values already buffered, then `[undefined, false]` forever; waiting
   * receivers are woken with it now; waiting senders reject with
   * ClosedChannelError, as blocked senders panic in Go.
   *
   * @throws ClosedChannelError if the channel is already closed: Go's
   *   "close of closed channel".
   */
  close(): void {
    if (this.isClosed) throw new ClosedChannelError(CLOSE_OF_CLOSED);
    this.isClosed = true;
    // Waking a select case unlinks its sibling cases, possibly from these very
    // queues, so take one waiter at a time from the live queue.
    let waiter: Waiter<T> | null;
    while ((waiter = this.recvq.dequeue()) !== null) wakeReceiver(waiter, undefined, false, false);
    while ((waiter = this.sendq.dequeue()) !== null) failSender(waiter, new ClosedChannelError(SEND_ON_CLOSED));
  }

  /**
   * Go's `for v := range ch`: `for await (const v of ch)` receives until the
   * channel is closed and drained. Leaving the loop early (`break`, `throw`,
   * `return`) neither closes the channel nor loses a value.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return new ChannelIterator(this);
  }

  /**
   * @internal Go's chansend up to the point where it would park, for
   * trySend and select: closed? a receiver waiting (hand over)? room in the
   * buffer? (send() climbs the same ladder itself.)
   */
  offer(value: T): Outcome {
    if (this.isClosed) return IS_CLOSED;
    const receiver = this.recvq.dequeue();
    if (receiver !== null) {
      wakeReceiver(receiver, value, true, this.capacity > 0 && this.recvq.head === null);
      return DONE_NOW;
    }
    const buffer = this.buffer;
    if (buffer.length < this.capacity) {
      buffer.put(value);
      return DONE_NOW;
    }
    return WOULD_BLOCK;
  }

  /**
   * @internal Go's recv(): takes the oldest value, from the buffer (and
   * moves the oldest waiting sender's value into the freed slot) or, when the
   * buffer is empty, straight from the oldest waiting sender. The caller has
   * checked that one of the two is there (`length > 0 || sendq.head !== null`);
   * NONE when the waiting senders all turned out to be stale select cases of
   * another thread (claimed.ts), which only a channel that crossed threads has.
   */
  take(): T {
    const buffer = this.buffer;
    const sender = this.sendq.dequeue();
    if (buffer.length > 0) {
      const value = buffer.take();
      if (sender !== null) {
        buffer.put(sender.value as T);
        wakeSender(sender, this.sendq.head === null);
      }
      return value;
    }
    if (sender === null) return NONE as T;
    wakeSender(sender, false);
    return sender.value as T;
  }

  /**
   * @internal Whether a receive would complete now (a select's poll; changes
   * nothing). The closed flag is read first, so that it is read on every
   * poll: read last, a busy select never reaches it until a channel goes
   * idle, and the optimized select is thrown away for lack of feedback there.
   * Written as a test rather than `isClosed || …` so that the result is known
   * to be a boolean, which the poll then branches on without a truthiness check.
   */
  canRecv(): boolean {
    if (this.isClosed) return true;
    return this.buffer.length > 0 || this.sendq.head !== null;
  }

  /** @internal Whether a send would complete or fail now (a select's poll; changes nothing). */
  canSend(): boolean {
    if (this.isClosed) return true;
    return this.recvq.head !== null || this.buffer.length < this.capacity;
  }
}

/*
 * Waking late, on buffered channels. A producer and a consumer that each
 * await every operation advance in lockstep, one microtask each: the
 * consumer finds the buffer empty every time and parks (a waiter and a
 * promise per message), or the producer finds it full every time. So when a
 * send serves the last parked receiver, or a receive moves the last parked
 * sender's value into the buffer, the woken side resumes two microtasks later
 * than it could (its promise is resolved with an already resolved promise).
 * The hand-over itself has happened, synchronously, as in Go; only the
 * resumption is later, and meanwhile the other side fills or drains the
 * buffer without parking. While others still wait in the same queue, the next
 * operation would serve them rather than use the buffer, so the delay would
 * only cost: there, and on unbuffered channels, waiters wake at once.
 * (Measured: a worker pool whose workers outnumber one producer, 15% less
 * CPU per job; producer/consumer loops unchanged.)
 */

/**
 * Settles a receiver that a sender (value, true) or close (undefined, false)
 * has served. A plain recv() is the common case and is kept small enough for
 * the optimizing compiler to inline into send(); the others go out of line.
 */
export function wakeReceiver<T>(waiter: Waiter<T>, value: T | undefined, ok: boolean, late: boolean): void {
  if (waiter.kind !== RECV) return wakeOtherReceiver(waiter, value, ok, late);
  if (waiter.signal !== undefined) waiter.unlisten();
  const result = ok ? [value, true] : CLOSED_RESULT;
  waiter.resolve(late ? Promise.resolve(result) : result);
}

/** wakeReceiver for an iterator's next() or a select's receive case. */
function wakeOtherReceiver<T>(waiter: Waiter<T>, value: T | undefined, ok: boolean, late: boolean): void {
  if (waiter.kind === NEXT) {
    const result = ok ? { value, done: false } : DONE;
    waiter.resolve(late ? Promise.resolve(result) : result);
  } else {
    (waiter.select as NonNullable<Waiter['select']>).fire(waiter, value, ok);
  }
}

/** Settles a sender whose value a receiver has taken (or, `late`, moved into the buffer). */
function wakeSender<T>(waiter: Waiter<T>, late: boolean): void {
  if (waiter.kind >= CASE) {
    (waiter.select as NonNullable<Waiter['select']>).fire(waiter, undefined, true);
  } else {
    if (waiter.signal !== undefined) waiter.unlisten();
    waiter.resolve(late ? RESOLVED : undefined);
  }
}

/** Fails a sender whose channel closed under it. */
function failSender<T>(waiter: Waiter<T>, error: ClosedChannelError): void {
  if (waiter.kind >= CASE) {
    (waiter.select as NonNullable<Waiter['select']>).fail(waiter, error);
  } else {
    waiter.unlisten();
    waiter.reject(error);
  }
}

/**
 * A receive's result on a closed, drained channel; out of line, it is never
 * hot, and its bytecode would count against the inlining budget of every
 * function that recv() is inlined into (see recv() in select.ts).
 */
function recvClosed(): Promise<RecvResult<never>> {
  return pacedWith(CLOSED_RESULT);
}

/** The rejection of a send on a closed channel; out of line, it is never hot. */
function rejectClosed(): Promise<never> {
  return Promise.reject(new ClosedChannelError(SEND_ON_CLOSED));
}

function listen(waiter: Waiter<any>, signal: AbortSignal): void {
  waiter.signal = signal;
  signal.addEventListener('abort', waiter, ONCE);
}

/**
 * The iterator behind `for await`. Calls to next() are served one at a time,
 * as an async generator serves them, so at most one receive of this iterator
 * is parked; return() withdraws that one, so no value is taken for a loop
 * that has already ended.
 */
class ChannelIterator<T> implements AsyncIterableIterator<T> {
  /** The parked receive of the last next(), while it is parked (its queue is non-null). */
  private pending: Waiter<T> | null = null;
  private pendingPromise: Promise<IteratorResult<T>> | null = null;
  /** Set by return(): the loop has ended, next() answers done. */
  private finished = false;

  constructor(private readonly channel: Channel<T>) {}

  next(): Promise<IteratorResult<T>> {
    if (this.finished) return DONE_PROMISE;
    if (this.pending !== null && this.pending.queue !== null) {
      return (this.pendingPromise as Promise<IteratorResult<T>>).then(() => this.next());
    }
    const channel = this.channel;
    if (channel.buffer.length > 0 || channel.sendq.head !== null) {
      const value = channel.take();
      if (typeof value !== 'symbol' || value !== NONE) return pacedWith<IteratorResult<T>>({ value, done: false });
    }
    if (channel.isClosed) return pacedWith<IteratorResult<T>>(DONE);
    const waiter = new Waiter<T>(NEXT, undefined, null, 0);
    const promise = promiseFor<IteratorResult<T>>(waiter);
    channel.recvq.enqueue(waiter);
    this.pending = waiter;
    this.pendingPromise = promise;
    return hooks === null ? promise : hooks.park(promise, 'chan receive (range)', channel); // seam: park
  }

  return(): Promise<IteratorResult<T>> {
    this.finished = true;
    const pending = this.pending;
    if (pending !== null && pending.queue !== null) {
      pending.queue.remove(pending);
      pending.resolve(DONE);
    }
    this.pending = this.pendingPromise = null;
    return DONE_PROMISE;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
