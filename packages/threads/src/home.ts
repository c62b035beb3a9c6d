import { parkClaimedThen, pollClaimed, recv, send, type Case, type Channel } from '@gochan/channel';
import { LocalClaim, claimAt, type ClaimMemory } from './claim.js';
import { decode, encode, encodeError } from './codec.js';
import type { Message } from './protocol.js';
import { Exports } from './references.js';
import type { Runtime } from './runtime.js';

/*
 * The home side of channels that crossed threads: this thread keeps their
 * state, and runs here every operation other threads ask of them, so that
 * each channel's Go rules are kept in one place, by one thread, as Go's
 * runtime keeps them under the channel's lock.
 *
 * Invariants:
 *  - A channel is in `exports` from the first time it crossed until no
 *    other thread holds a reference to it (references.ts): a proxy elsewhere
 *    may name it at any time until then.
 *  - An operation of another thread is in `served` while its cases wait
 *    here; it leaves when it runs, is withdrawn (`unsel`), or its thread dies.
 */
export class Home {
  /** The channels of this thread that other threads can name, by id, and who holds them. */
  readonly exports: Exports = new Exports();
  /** Operations of other threads waiting here: by thread, then by its op. */
  private readonly served = new Map<number, Map<number, { withdraw(): void }>>();

  constructor(
    private readonly runtime: Runtime,
    private readonly memory: ClaimMemory,
  ) {}

  /** The id under which thread `to` names `channel`, counted as one more reference it holds. */
  idOf(channel: Channel<unknown>, to: number): number {
    return this.exports.export(channel, to);
  }

  /** The id under which other threads name `channel`, or undefined if it never crossed (for reports: assigns none). */
  knownId(channel: object): number | undefined {
    return this.exports.knownId(channel as Channel<unknown>);
  }

  /** The channels that have crossed, by id (for reports). */
  crossed(): Iterable<[number, Channel<unknown>]> {
    return this.exports.entries();
  }

  /** The channel `id` names. */
  channel(id: number): Channel<unknown> {
    const channel = this.exports.get(id);
    if (channel === undefined) throw new Error(`threads: internal error: thread ${this.runtime.id} has no channel ${id}`);
    return channel;
  }

  /**
   * Runs the cases another thread's operation has on this thread's channels:
   * at once, and answered at once, when one is ready (Go's selectgo polls
   * before it parks); else parked, and answered when a partner here runs
   * one. Only a parked operation allocates a select's waiters and is kept
   * in `served`.
   */
  select(message: Extract<Message, { t: 'sel' }>): void {
    const { from, op } = message;
    const claim = message.slot < 0 ? new LocalClaim() : claimAt(this.memory, message.slot, message.gen, this.runtime.id);
    let cases: Case[];
    let outcome: [number, unknown, boolean] | null | undefined;
    try {
      cases = this.cases(message.cases);
    } catch (error) {
      // A bug of ours, or a value that cannot be rebuilt: that operation fails, not the thread.
      this.fail(from, op, error);
      return;
    }
    try {
      outcome = pollClaimed(cases, claim);
    } catch (error) {
      // The case that ran sends on a closed channel.
      this.fail(from, op, error);
      return;
    }
    if (outcome !== undefined) {
      if (outcome !== null) this.answer(message, outcome);
      return; // null: the claim went elsewhere
    }
    let byOp = this.served.get(from);
    if (byOp === undefined) this.served.set(from, (byOp = new Map()));
    const served = byOp;
    const parked = parkClaimedThen(
      cases,
      claim,
      (result) => {
        served.delete(op);
        this.answer(message, result);
      },
      (error) => {
        served.delete(op);
        this.fail(from, op, error);
      },
    );
    served.set(op, parked);
  }

  /** The cases of an operation, rebuilt on this thread's channels (one case, the usual, without a loop's growing array). */
  private cases(wires: Extract<Message, { t: 'sel' }>['cases']): Case[] {
    if (wires.length === 1) return [this.rebuild(wires[0] as (typeof wires)[number])];
    const cases: Case[] = [];
    for (const wire of wires) cases.push(this.rebuild(wire));
    return cases;
  }

  private rebuild(wire: Extract<Message, { t: 'sel' }>['cases'][number]): Case {
    const channel = this.channel(wire[1]);
    return wire.length === 2 ? recv(channel) : send(channel, decode(wire[2], this.runtime));
  }

  /** Tells the operation's thread that its case `index` ran, with the value received (or undefined for a send). */
  private answer(message: Extract<Message, { t: 'sel' }>, [index, value, ok]: [number, unknown, boolean]): void {
    const { from, op } = message;
    let v: unknown;
    try {
      v = encode(value, this.runtime, from);
    } catch (error) {
      // A value whose walk throws (a getter): the receive ran and fails with that error, said to its thread.
      this.fail(from, op, error);
      return;
    }
    this.runtime.post({ t: 'done', to: from, op, i: (message.cases[index] as [number, number])[0], v, ok });
  }

  /** Tells thread `from` that its operation `op` failed with `error` (it throws there). */
  private fail(from: number, op: number, error: unknown): void {
    this.runtime.post({ t: 'done', to: from, op, e: encodeError(error, this.runtime, from) });
  }

  /** Another thread's operation ran, or was abandoned, elsewhere: take its cases off this thread's channels. */
  withdraw(from: number, op: number): void {
    const byOp = this.served.get(from);
    const running = byOp?.get(op);
    if (running === undefined) return;
    (byOp as Map<number, { withdraw(): void }>).delete(op);
    running.withdraw();
  }

  /** Go's close(ch), asked by another thread; answered either way. */
  close(message: Extract<Message, { t: 'close' }>): void {
    try {
      this.channel(message.channel).close();
      this.runtime.post({ t: 'done', to: message.from, op: message.op });
    } catch (error) {
      this.fail(message.from, message.op, error);
    }
  }

  /** `thread` died: whatever it waited for here is withdrawn, so no value goes to it. */
  died(thread: number): void {
    this.exports.died(thread);
    const byOp = this.served.get(thread);
    if (byOp === undefined) return;
    this.served.delete(thread);
    for (const running of byOp.values()) running.withdraw();
  }
}
