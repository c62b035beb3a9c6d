import { parkClaimed, type Case, type ClaimedSelect } from '@gochan/channel';
import type { ClaimSlots, SharedClaim } from './claim.js';
import { decode, decodeError, encode } from './codec.js';
import { ThreadExitError } from './errors.js';
import type { Message, WireCase } from './protocol.js';
import { RemoteChannel } from './remote-channel.js';
import type { Runtime } from './runtime.js';

/*
 * The operations this thread waits on at other threads' channels: plain
 * sends and receives on a RemoteChannel, and selects with a case on one.
 * Each is a `sel` message to every home involved; the home that runs a case
 * answers `done`.
 *
 * Exactly one case runs (Go's selectDone): an operation with a signal, and
 * every select, carries a SharedClaim that each home, this thread's own
 * channels and this thread's abort all race to win. A plain operation
 * without a signal has one home and nothing else to race, so its home keeps
 * the claim (slot -1).
 *
 * Invariants:
 *  - An operation is in `pending` from its `sel` until it settles; it settles
 *    once: by a `done`, a case on this thread, an abort whose claim won, a
 *    refused message, or a death.
 *  - An abort settles the operation only by winning its claim: if the claim
 *    is already won, the case ran (or is running) somewhere and its `done`
 *    is on its way, and the operation resolves with it, as an operation that
 *    completed before the abort.
 */

/** What a settled operation resolves with. */
const SEND = 0;
const RECV = 1;
const SELECT = 2;
type Shape = typeof SEND | typeof RECV | typeof SELECT;

interface Pending {
  shape: Shape;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
  /** The select's claim; null for a plain operation without a signal. */
  claim: SharedClaim | null;
  /** The homes it was sent to. */
  homes: number[];
  /** Its cases on this thread's channels, parked (selects only). */
  local: ClaimedSelect | null;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | null;
}

export class Requests {
  private readonly pending = new Map<number, Pending>();
  private nextOp = 1;

  constructor(
    private readonly runtime: Runtime,
    private readonly claims: ClaimSlots,
  ) {}

  /** Go's `ch <- v` on another thread's channel. */
  send(channel: RemoteChannel<unknown>, value: unknown, signal: AbortSignal | undefined): Promise<void> {
    if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
    const gone = this.runtime.deathOf(channel.home);
    if (gone !== undefined) return Promise.reject(gone);
    const wire: WireCase = [0, channel.remoteId, encode(value, this.runtime, channel.home)];
    return this.start(SEND, [channel.home], new Map([[channel.home, [wire]]]), null, signal) as Promise<void>;
  }

  /** Go's `v, ok := <-ch` on another thread's channel. */
  recv(channel: RemoteChannel<unknown>, signal: AbortSignal | undefined): Promise<unknown> {
    if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
    const gone = this.runtime.deathOf(channel.home);
    if (gone !== undefined) return Promise.reject(gone);
    const promise = this.start(RECV, [channel.home], new Map([[channel.home, [[0, channel.remoteId]]]]), null, signal);
    return promise.then((result) => {
      if ((result as [unknown, boolean])[1] === false) channel.knownClosed = true;
      return result;
    });
  }

  /**
   * Go's `close(ch)` on another thread's channel. It reaches the home after
   * every operation this thread sent before it; the home answers, and a
   * failure (a close of a closed channel) is thrown here as Go panics.
   */
  close(channel: RemoteChannel<unknown>): void {
    const op = this.nextOp++;
    this.pending.set(op, {
      shape: SEND,
      resolve: noop,
      reject: (error) => queueMicrotask(() => {
        throw error; // Go panics on a close of a closed channel
      }),
      claim: null,
      homes: [channel.home],
      local: null,
      signal: undefined,
      onAbort: null,
    });
    this.runtime.post({ t: 'close', to: channel.home, from: this.runtime.id, op, channel: channel.remoteId });
  }

  /**
   * A select that found none of its cases on this thread ready and has a
   * case on another thread's channel (installed with setForeignSelect).
   */
  select(cases: readonly Case[], signal: AbortSignal | undefined): Promise<[number, unknown, boolean]> {
    if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
    const byHome = new Map<number, WireCase[]>();
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i];
      if (c == null || !(c.channel instanceof RemoteChannel)) continue;
      const channel = c.channel as RemoteChannel<unknown>;
      const gone = this.runtime.deathOf(channel.home);
      if (gone !== undefined) continue; // a channel whose home died is never ready, as a nil channel
      let list = byHome.get(channel.home);
      if (list === undefined) byHome.set(channel.home, (list = []));
      list.push(c.op === 'recv' ? [i, channel.remoteId] : [i, channel.remoteId, encode(c.value, this.runtime, channel.home)]);
    }
    return this.start(SELECT, [...byHome.keys()], byHome, cases, signal) as Promise<[number, unknown, boolean]>;
  }

  private start(shape: Shape, homes: number[], byHome: Map<number, WireCase[]>, localCases: readonly Case[] | null, signal: AbortSignal | undefined): Promise<unknown> {
    const op = this.nextOp++;
    const claim = shape === SELECT || signal !== undefined ? this.claims.take() : null;
    let resolve!: (value: unknown) => void;
    let reject!: (reason: unknown) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const pending: Pending = { shape, resolve, reject, claim, homes, local: null, signal, onAbort: null };
    this.pending.set(op, pending);
    if (localCases !== null) {
      const local = parkClaimed(localCases, claim as SharedClaim);
      pending.local = local;
      local.promise.then(
        (result) => {
          if (result !== null) this.settle(op, result, undefined);
        },
        (error) => this.settle(op, undefined, error),
      );
    }
    for (const [home, list] of byHome) {
      this.runtime.post({ t: 'sel', to: home, from: this.runtime.id, op, slot: claim === null ? -1 : claim.slot, gen: claim === null ? 0 : claim.generation, cases: list });
    }
    if (signal !== undefined) {
      pending.onAbort = () => this.abort(op);
      signal.addEventListener('abort', pending.onAbort, { once: true });
    }
    return promise;
  }

  /** The operation's signal aborted: it has not happened if its claim can still be won. */
  private abort(op: number): void {
    const pending = this.pending.get(op);
    if (pending === undefined || pending.claim === null) return;
    if (!pending.claim.lock()) return; // a case ran: its result is on its way
    pending.claim.commit();
    this.settle(op, undefined, (pending.signal as AbortSignal).reason, true);
  }

  /** Settles `op` once: resolves with `result` or rejects with `error`, and withdraws what is left of it. */
  private settle(op: number, result: unknown, error: unknown, failed = error !== undefined): void {
    const pending = this.pending.get(op);
    if (pending === undefined) return;
    this.pending.delete(op);
    if (pending.onAbort !== null) (pending.signal as AbortSignal).removeEventListener('abort', pending.onAbort);
    pending.local?.withdraw();
    if (pending.claim !== null) {
      for (const home of pending.homes) {
        if (this.runtime.deathOf(home) === undefined) this.runtime.post({ t: 'unsel', to: home, from: this.runtime.id, op });
      }
      this.claims.give(pending.claim);
    }
    if (failed) pending.reject(error);
    else pending.resolve(result);
  }

  /** A home answered: a case ran there (or failed). */
  done(message: Extract<Message, { t: 'done' }>): void {
    const pending = this.pending.get(message.op);
    if (pending === undefined) return;
    if (message.e !== undefined) {
      this.settle(message.op, undefined, decodeError(message.e, this.runtime), true);
      return;
    }
    // A plain operation answered by its one home has nothing to withdraw.
    if (pending.homes.length === 1 && pending.local === null) pending.homes = [];
    const value = decode(message.v, this.runtime);
    const shape = pending.shape;
    const result = shape === SEND ? undefined : shape === RECV ? (message.ok ? [value, true] : [undefined, false]) : [message.i, message.ok ? value : undefined, message.ok];
    this.settle(message.op, result, undefined);
  }

  /** A message of `op` could not be cloned: the operation fails, and nothing happened at any home. */
  refused(op: number, error: unknown): void {
    const pending = this.pending.get(op);
    if (pending === undefined) return;
    if (pending.claim !== null) {
      if (!pending.claim.lock()) return; // a case elsewhere already ran: that result stands
      pending.claim.commit();
    }
    const reason = new TypeError(`threads: a value cannot cross to another thread: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    this.settle(op, undefined, reason, true);
  }

  /**
   * `thread` died: operations waiting only on it fail with `reason`; one
   * whose claim the dead thread had won fails too (the value died with it);
   * a select with cases elsewhere keeps waiting on those.
   */
  died(thread: number, reason: ThreadExitError): void {
    for (const [op, pending] of [...this.pending]) {
      if (!pending.homes.includes(thread)) continue;
      const claim = pending.claim;
      if (claim === null) {
        this.settle(op, undefined, reason, true);
        continue;
      }
      const winner = claim.winner();
      if (winner === thread) {
        this.settle(op, undefined, reason, true);
        continue;
      }
      if (winner !== -1) continue; // won elsewhere: its result is on its way
      pending.homes = pending.homes.filter((home) => home !== thread);
      if (pending.homes.length > 0 || pending.local !== null) continue;
      if (claim.lock()) {
        claim.commit();
        this.settle(op, undefined, reason, true);
      }
    }
  }
}

function noop(): void {}
