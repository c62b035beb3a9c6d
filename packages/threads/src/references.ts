import type { Channel } from '@gochan/channel';

/*
 * References: when a channel that crossed threads can be let go. Go's
 * collector frees a channel no goroutine can reach; here a channel's home
 * must keep it while any thread may still name it, and only then forget it,
 * or every channel that ever crossed (one per request, say) would stay for
 * the life of the thread.
 *
 * Reference listing, with counts: the home counts, for each thread, the
 * references it has been told that thread received: each one it encoded for
 * that thread itself, and each one another thread forwarded there (the
 * forwarder says so to the home with a `ref` message, sent before the value
 * that carries the reference). A thread's proxy counts the references it
 * received; once the proxy is garbage, the thread sends that count back in a
 * `free` message, and the home takes it off. A channel whose counts are all
 * zero is forgotten by its home.
 *
 * Why no reference is freed while still held: every message goes through the
 * main thread, and each port delivers in order. A forwarder's `ref` leaves
 * before the value it forwards, so it reaches the home before the receiver
 * can have seen the value, let alone freed it. A proxy collected while a new
 * reference to it is on its way frees only what it had counted; the new one
 * arrives at a new proxy, which counts from there.
 *
 * What stays for good (as before): a channel in a context's cancellation
 * cause (broadcast, no one receiver to count), and one in a message that
 * could not be cloned.
 */

/** The holder's count of a proxy, kept apart from it, so that it outlives the proxy for its `free`. */
export interface Ticket {
  readonly home: number;
  readonly id: number;
  count: number;
}

/** A thread that pins a channel for good: a reference sent to no one thread (`to` -1, a broadcast). */
export const EVERYONE = -1;

/** The home side: the channels this thread exported, and who holds references to each. */
export class Exports {
  private readonly channels = new Map<number, Channel<unknown>>();
  /** References received, by channel id, then by thread (EVERYONE: pinned). */
  private readonly holders = new Map<number, Map<number, number>>();
  private readonly ids = new WeakMap<Channel<unknown>, number>();
  private nextId = 1;
  /**
   * Told when this thread begins (true) or ceases (false) to be home to a
   * channel another thread holds: a worker then must stay up while it can
   * still send on one (liveness.ts). Null on the main thread.
   */
  onServing: ((on: boolean) => void) | null = null;

  /** The id of `channel`, counted as one more reference held by thread `to`. */
  export(channel: Channel<unknown>, to: number): number {
    let id = this.ids.get(channel);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(channel, id);
    }
    if (!this.channels.has(id)) {
      this.channels.set(id, channel);
      this.holders.set(id, new Map());
      if (this.channels.size === 1) this.onServing?.(true);
    }
    this.add(id, to, 1);
    return id;
  }

  /** The channel `id` names, or undefined if it was let go (no thread held it any more). */
  get(id: number): Channel<unknown> | undefined {
    return this.channels.get(id);
  }

  /** Another thread forwarded a reference to `id` to thread `to`. */
  forwarded(id: number, to: number): void {
    if (this.holders.has(id)) this.add(id, to, 1);
  }

  /** Thread `from` let go of `count` references to `id`. */
  freed(from: number, id: number, count: number): void {
    const byThread = this.holders.get(id);
    if (byThread === undefined) return;
    const left = (byThread.get(from) ?? 0) - count;
    if (left > 0) byThread.set(from, left);
    else byThread.delete(from);
    this.forgetIfUnheld(id, byThread);
  }

  /** Thread `thread` ended: what it held it holds no more. */
  died(thread: number): void {
    for (const [id, byThread] of this.holders) {
      if (byThread.delete(thread)) this.forgetIfUnheld(id, byThread);
    }
  }

  /** The id `channel` has had, if it ever crossed (for reports: assigns none). */
  knownId(channel: Channel<unknown>): number | undefined {
    return this.ids.get(channel);
  }

  /** The channels other threads may still name, by id (for reports). */
  entries(): IterableIterator<[number, Channel<unknown>]> {
    return this.channels.entries();
  }

  /** How many channels other threads may still name (for tests). */
  get size(): number {
    return this.channels.size;
  }

  private add(id: number, to: number, count: number): void {
    const byThread = this.holders.get(id) as Map<number, number>;
    byThread.set(to, (byThread.get(to) ?? 0) + count);
  }

  private forgetIfUnheld(id: number, byThread: Map<number, number>): void {
    if (byThread.size > 0) return;
    this.holders.delete(id);
    this.channels.delete(id);
    if (this.channels.size === 0) this.onServing?.(false);
  }
}

/**
 * The holder side: the proxies of this thread by home and id, held weakly,
 * and what to do once one is garbage (`free`, with its ticket's count).
 */
export class Proxies<P extends object> {
  private readonly byKey = new Map<string, WeakRef<P>>();
  private readonly tickets = new WeakMap<P, Ticket>();
  private readonly registry: FinalizationRegistry<Ticket>;

  constructor(free: (ticket: Ticket) => void) {
    this.registry = new FinalizationRegistry((ticket) => {
      const key = `${ticket.home}:${ticket.id}`;
      // A new proxy may stand under the key already: it is not this one.
      if (this.byKey.get(key)?.deref() === undefined) this.byKey.delete(key);
      free(ticket);
    });
  }

  /** The proxy for `home`/`id`, made by `make` if none lives, counting one more reference received. */
  received(home: number, id: number, make: () => P): P {
    const key = `${home}:${id}`;
    let proxy = this.byKey.get(key)?.deref();
    if (proxy === undefined) {
      proxy = make();
      const ticket: Ticket = { home, id, count: 0 };
      this.tickets.set(proxy, ticket);
      this.byKey.set(key, new WeakRef(proxy));
      this.registry.register(proxy, ticket);
    }
    (this.tickets.get(proxy) as Ticket).count++;
    return proxy;
  }

  /** How many proxies may be alive (for tests). */
  get size(): number {
    return this.byKey.size;
  }
}
