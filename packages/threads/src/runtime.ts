import { setForeignSelect, type Channel } from '@gochan/channel';
import type { Context } from '@gochan/context';
import { ClaimSlots, type ClaimMemory } from './claim.js';
import { encodeError, type Crossing } from './codec.js';
import { Contexts } from './contexts.js';
import { Dumps } from './dumps.js';
import { ThreadExitError } from './errors.js';
import { Home } from './home.js';
import { unpack } from './frames.js';
import { Link, type Port } from './link.js';
import type { Message, WireError } from './protocol.js';
import { Proxies } from './references.js';
import { RemoteChannel } from './remote-channel.js';
import { Requests } from './requests.js';

/** What a runtime hands goroutine messages (`go`, `ret`) to: the scheduler on the main thread, the goroutine runner on a worker. */
export interface Goroutines {
  go(message: Extract<Message, { t: 'go' }>): void;
  ret(message: Extract<Message, { t: 'ret' }>): void;
  /** A `go` or `ret` message could not be cloned. */
  refused(message: Extract<Message, { t: 'go' | 'ret' }>, error: unknown): void;
}

/** What a runtime hands the deadlock watcher's messages to (liveness.ts): the scheduler on the main thread, thread.ts on a worker. */
export interface Watching {
  /** A worker's event loop emptied after it had read `seen` batches (main thread). */
  emptied(from: number, seen: number): void;
  /** A watcher started (the module to load) or stopped (a worker). */
  watch(entry: string | null): void;
  /** A worker began or ceased to be home to channels other threads hold (main thread). */
  serving(from: number, on: boolean): void;
}

/**
 * Runtime is this thread's part of the thread pool: its id, its link to the
 * others, the channels it is home to (home.ts), the operations it waits on
 * elsewhere (requests.ts) and the contexts it shares (contexts.ts). There is
 * one per thread, made when the thread first needs it.
 *
 * Messages go in a star: a worker's every message goes to the main thread,
 * which handles those for itself and relays the others (`route`).
 */
export class Runtime implements Crossing {
  readonly home: Home;
  readonly requests: Requests;
  readonly contexts: Contexts;
  readonly dumps: Dumps;
  private readonly link: Link;
  /** This thread's proxies of other threads' channels, held weakly: once one is garbage, its home hears of it (references.ts). */
  readonly proxies: Proxies<RemoteChannel<unknown>> = new Proxies<RemoteChannel<unknown>>((ticket) => {
    if (this.deathOf(ticket.home) === undefined) this.post({ t: 'free', to: ticket.home, from: this.id, id: ticket.id, count: ticket.count });
  });
  /** Threads known to have died, with the error that says so. */
  private readonly dead = new Map<number, ThreadExitError>();
  goroutines: Goroutines | null = null;
  watching: Watching | null = null;

  constructor(
    /** This thread's id: 0 for the main thread. */
    readonly id: number,
    memory: ClaimMemory,
    range: number,
    /** The port a message for thread `to` goes through; undefined for a thread that is gone. */
    private readonly route: (to: number) => Port | undefined,
    /** Every other thread's port, for broadcasts (the main thread's list; a worker has only its parent). */
    private readonly everyone: () => Iterable<Port>,
  ) {
    this.home = new Home(this, memory);
    this.requests = new Requests(this, new ClaimSlots(memory, range, id));
    this.contexts = new Contexts(this);
    this.dumps = new Dumps(this);
    this.link = new Link((message, error) => this.refused(message, error));
    setForeignSelect((cases, signal) => this.requests.select(cases, signal));
  }

  /** Sends `message` to thread `message.to` (through the main thread, from a worker). */
  post(message: Message): void {
    if (message.to === this.id) {
      queueMicrotask(() => this.handle(message));
      return;
    }
    const port = this.route(message.to);
    if (port !== undefined) this.link.post(port, message);
  }

  /** Sends `message` to every other thread, and handles it here too. */
  broadcast(message: Message): void {
    for (const port of this.everyone()) this.link.post(port, message);
  }

  /** A batch arrived. The main thread relays what is for others. */
  receive(batch: readonly unknown[]): void {
    this.link.opened();
    unpack(batch, this.receiveOne);
  }

  private readonly receiveOne = (message: Message): void => {
    if (message.to === this.id || message.to === -1) this.handle(message);
    if (message.to !== this.id && this.id === 0) {
      if (message.to === -1) this.broadcastExcept(message);
      else this.post(message);
    }
  };

  private broadcastExcept(message: Message): void {
    const origin = message.t === 'cancel' ? message.home : -2;
    for (const [thread, port] of this.ports()) if (thread !== origin) this.link.post(port, message);
  }

  /** The main thread's ports by thread id (set by the scheduler). */
  ports: () => Iterable<[number, Port]> = () => [];

  private handle(message: Message): void {
    switch (message.t) {
      case 'sel':
        return this.home.select(message);
      case 'unsel':
        return this.home.withdraw(message.from, message.op);
      case 'close':
        return this.home.close(message);
      case 'done':
        return this.requests.done(message);
      case 'cancel':
        return this.contexts.cancelled(message);
      case 'ref':
        return this.home.exports.forwarded(message.id, message.thread);
      case 'free':
        return this.home.exports.freed(message.from, message.id, message.count);
      case 'died':
        return this.died(message.thread, this.rebuildDeath(message.thread, message.reason));
      case 'go':
        return this.goroutines?.go(message);
      case 'ret':
        return this.goroutines?.ret(message);
      case 'idle':
        return this.watching?.emptied(message.from, message.seen);
      case 'dump':
        return this.dumps.answer(message);
      case 'watch':
        return this.watching?.watch(message.entry);
      case 'serve':
        return this.watching?.serving(message.from, message.on);
    }
  }

  private rebuildDeath(thread: number, reason: WireError): ThreadExitError {
    const error = new ThreadExitError(thread, reason.message);
    if (reason.stack !== undefined) error.stack = reason.stack;
    return error;
  }

  /** A message could not be cloned: the operation it carried fails alone. */
  private refused(message: Message, error: unknown): void {
    switch (message.t) {
      case 'sel':
        return this.requests.refused(message.op, error);
      case 'done':
        // The home ran the case, and its value cannot travel: the receiver is told.
        return this.post({
          t: 'done',
          to: message.to,
          op: message.op,
          e: encodeError(new TypeError(`threads: the value received cannot cross to thread ${message.to}: ${error instanceof Error ? error.message : String(error)}`), this, message.to),
        });
      case 'go':
      case 'ret':
        return this.goroutines?.refused(message, error);
      case 'cancel':
        return this.post({ ...message, cause: String(message.cause) });
      default:
        throw error;
    }
  }

  /** `thread` died: everything that involved it here fails or is withdrawn. */
  died(thread: number, reason: ThreadExitError): void {
    if (this.dead.has(thread)) return;
    this.dead.set(thread, reason);
    this.home.died(thread);
    this.requests.died(thread, reason);
    this.contexts.died(thread, reason);
  }

  /** The error a thread that died left, or undefined while it lives. */
  deathOf(thread: number): ThreadExitError | undefined {
    return this.dead.get(thread);
  }

  /** Sends what is waiting now (before a thread exits). */
  flush(): void {
    this.link.flush();
  }

  // Crossing: how the codec turns channels and contexts into references and back.

  exportChannel(channel: Channel<unknown>, to: number): [home: number, id: number] {
    if (!(channel instanceof RemoteChannel)) return [this.id, this.home.idOf(channel, to)];
    // Forwarded: its home hears of the new holder first (the `ref` leaves before the value that carries it).
    if (to !== channel.home) this.post({ t: 'ref', to: channel.home, id: channel.remoteId, thread: to });
    return [channel.home, channel.remoteId];
  }

  importChannel(home: number, id: number, capacity: number): Channel<unknown> {
    if (home === this.id) return this.home.channel(id);
    return this.proxies.received(home, id, () => new RemoteChannel(this.requests, home, id, capacity));
  }

  exportContext(ctx: Context): [home: number, id: number] {
    return this.contexts.export(ctx);
  }

  importContext(home: number, id: number, deadline: number | undefined, cancelled: WireError | undefined): Context {
    return this.contexts.import(home, id, deadline, cancelled);
  }
}
