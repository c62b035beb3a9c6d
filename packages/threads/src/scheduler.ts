import { setThreadRuntime, threadWatcher } from '@gochan/channel';
import { MAX_THREADS, makeClaimMemory } from './claim.js';
import { decode, decodeError, encode, encodeError } from './codec.js';
import { ThreadExitError, describeDeath, describeTermination } from './errors.js';
import { defaultProcs } from './gomaxprocs.js';
import type { HostThread, ThreadLimits } from './host.js';
import { host } from './hosts.js';
import { Traffic } from './liveness.js';
import type { Port } from './link.js';
import type { Message } from './protocol.js';
import { Runtime, type Goroutines, type Watching } from './runtime.js';
import { ThreadSeam } from './seam.js';

/** One worker thread of the pool. */
interface Thread {
  readonly id: number;
  /** Its range of claim slots (claim.ts), given back when it ends. */
  readonly range: number;
  /** The thread as its host made it (hosts.ts): a Node Worker, or a Web Worker. */
  readonly worker: HostThread;
  /** Where its batches are posted (the host's: on Node a MessagePort of its own, both ways). */
  readonly port: Port;
  /** What the link posts to: the port, counting the batches (liveness.ts). */
  readonly out: Port;
  /** The batches each way, and its last `idle`, for the deadlock watcher (liveness.ts). */
  readonly traffic: Traffic;
  /** Whether the worker is ref'd now. */
  refd: boolean;
  /** Whether it is home to channels other threads hold (its `serve` messages): kept up, then, until it says it is idle. */
  serving: boolean;
  /** Goroutines placed on it and not yet returned. */
  readonly goroutines: Map<number, Started>;
  /** The uncaught error it died of, if any (the 'error' event comes before 'exit'). */
  error: unknown;
  /** Set by terminate(): why it was ended (goroutine.ts). */
  terminated?: { reason: unknown };
}

/** A goroutine placed on a thread: started here (resolve/reject), or for a goroutine on a worker (relay). */
interface Started {
  resolve(value: unknown): void;
  reject(reason: unknown): void;
  relay: { to: number; op: number } | null;
}

/**
 * Scheduler is the main thread's side of the pool, Go's scheduler for
 * goroutines that are modules: it places each goroutine on the least busy of
 * at most GOMAXPROCS threads, starting threads lazily (a new one while every
 * thread has work and there is room), refs a thread while goroutines run on
 * it and unrefs it when none do (an idle pool keeps no process alive), and
 * when a thread dies fails what ran on it and tells every other thread.
 *
 * Invariants:
 *  - `threads` holds the live threads, oldest first; a thread leaves it when
 *    its 'exit' event comes, before anything is failed.
 *  - A thread is ref'd exactly while its `goroutines` is non-empty; while a
 *    deadlock watcher runs, exactly while it is not idle (liveness.ts).
 */
export class Scheduler implements Goroutines, Watching {
  readonly runtime: Runtime;
  private readonly threads: Thread[] = [];
  private readonly byId = new Map<number, Thread>();
  /** The thread each running goroutine was placed on, by op. */
  private readonly placed = new Map<number, Thread>();
  private readonly freeRanges: number[] = [];
  private readonly memory = makeClaimMemory();
  private nextThread = 1;
  private nextOp = 1;
  private running = 0;
  private idle: (() => void)[] = [];
  /** GOMAXPROCS: how many threads goroutines are placed on. */
  procs: number = defaultProcs();
  /** Limits for threads started from now on (Node's Worker resourceLimits). */
  resourceLimits: ThreadLimits | undefined = undefined;
  /** How much nicer than the main thread the threads started from now on make themselves (setNice). */
  nice = 0;
  /** Set by close() until every thread has ended. */
  closing = false;
  /** The deadlock watcher's module for threads, while one runs on this thread (liveness.ts). */
  private watchEntry: string | null = threadWatcher()?.entry ?? null;

  constructor() {
    for (let range = MAX_THREADS - 1; range >= 1; range--) this.freeRanges.push(range);
    const memory = { words: new Int32Array(this.memory.words), winners: new Int32Array(this.memory.winners) };
    this.runtime = new Runtime(
      0,
      memory,
      0,
      (to) => this.byId.get(to)?.out,
      () => this.threads.map((thread) => thread.out),
    );
    this.runtime.ports = () => this.threads.map((thread): [number, Port] => [thread.id, thread.out]);
    this.runtime.goroutines = this;
    this.runtime.watching = this;
    this.runtime.dumps.workers = () =>
      this.threads.map((thread) => ({ id: thread.id, traffic: thread.traffic, goroutines: thread.goroutines.size, stillIdle: (seen: number) => this.emptied(thread.id, seen) }));
    setThreadRuntime(new ThreadSeam(this.runtime, () => this.running, (entry) => this.watch(entry)));
  }

  /** A worker's event loop emptied after `seen` batches: unref it if it has read all there are. */
  emptied(from: number, seen: number): void {
    const thread = this.byId.get(from);
    if (thread === undefined) return;
    thread.traffic.idleAfter(seen);
    this.keep(thread);
  }

  /** Thread `from` began or ceased to be home to channels other threads hold: while it is, it is kept up until it says it is idle. */
  serving(from: number, on: boolean): void {
    const thread = this.byId.get(from);
    if (thread === undefined) return;
    thread.serving = on;
    if (on && this.watchEntry === null) thread.traffic.reset();
    this.keep(thread);
  }

  /** A deadlock watcher started or stopped here: every thread is told, and refs follow the watcher's rule. */
  watch(entry: string | null): void {
    if (entry === this.watchEntry) return;
    this.watchEntry = entry;
    for (const thread of this.threads) {
      thread.traffic.reset();
      this.runtime.post({ t: 'watch', to: thread.id, entry });
      this.keep(thread);
    }
  }

  /** go() on the main thread: places a goroutine and returns its result. */
  start(url: string, args: readonly unknown[]): Promise<unknown> {
    return this.launch(url, args).result;
  }

  /** start(), also saying which thread the goroutine went to (undefined: refused before it was placed). */
  launch(url: string, args: readonly unknown[]): { thread: number | undefined; result: Promise<unknown> } {
    if (this.closing) return { thread: undefined, result: Promise.reject(new Error('go: the thread pool is closing (threads.close() was called)')) };
    const thread = this.pick();
    const op = this.nextOp++;
    let wire: unknown[];
    try {
      wire = args.map((arg) => encode(arg, this.runtime, thread.id));
    } catch (error) {
      return { thread: undefined, result: Promise.reject(error) };
    }
    const result = new Promise((resolve, reject) => {
      this.place(thread, op, { resolve, reject, relay: null });
      this.runtime.post({ t: 'go', to: thread.id, from: 0, op, url, args: wire });
    });
    return { thread: thread.id, result };
  }

  /**
   * Ends thread `id` for `reason` (goroutine.ts): no goroutine is placed on
   * it from now on, and once it has exited its goroutines fail as for any
   * death, with a ThreadExitError whose cause is `reason`. False if no such
   * thread lives.
   */
  async terminate(id: number, reason: unknown): Promise<boolean> {
    const thread = this.byId.get(id);
    if (thread === undefined) return false;
    thread.terminated ??= { reason };
    const index = this.threads.indexOf(thread);
    if (index >= 0) this.threads.splice(index, 1);
    await thread.worker.terminate();
    return true;
  }

  /** A goroutine on a worker called go(): place it as if started here, and send its result back there. */
  go(message: Extract<Message, { t: 'go' }>): void {
    if (this.closing) {
      this.runtime.post({ t: 'ret', to: message.from, op: message.op, e: encodeError(new Error('go: the thread pool is closing (threads.close() was called)'), this.runtime, message.from) });
      return;
    }
    const thread = this.pick();
    const op = this.nextOp++;
    let args: unknown[];
    try {
      // Encoded for this thread, bound for another: encoded again for it, so that the homes of its channels count the right holder (references.ts).
      args = message.args.map((arg) => this.reencode(arg, thread.id));
    } catch (error) {
      this.runtime.post({ t: 'ret', to: message.from, op: message.op, e: encodeError(error, this.runtime, message.from) });
      return;
    }
    this.place(thread, op, { resolve: noop, reject: noop, relay: { to: message.from, op: message.op } });
    this.runtime.post({ t: 'go', to: thread.id, from: 0, op, url: message.url, args });
  }

  ret(message: Extract<Message, { t: 'ret' }>): void {
    const thread = this.placed.get(message.op);
    const started = thread?.goroutines.get(message.op);
    if (thread === undefined || started === undefined) return;
    this.unplace(thread, message.op);
    if (started.relay !== null) {
      const { to, op } = started.relay;
      try {
        if (message.e !== undefined) this.runtime.post({ t: 'ret', to, op, e: encodeError(decodeError(message.e, this.runtime), this.runtime, to) });
        else this.runtime.post({ t: 'ret', to, op, v: this.reencode(message.v, to) });
      } catch (error) {
        this.runtime.post({ t: 'ret', to, op, e: encodeError(error, this.runtime, to) });
      }
    } else if (message.e !== undefined) {
      started.reject(decodeError(message.e, this.runtime));
    } else {
      try {
        started.resolve(decode(message.v, this.runtime));
      } catch (error) {
        started.reject(error);
      }
    }
  }

  refused(message: Extract<Message, { t: 'go' | 'ret' }>, error: unknown): void {
    const why = error instanceof Error ? error.message : String(error);
    if (message.t === 'ret') {
      // A relayed result cannot be cloned again: tell the goroutine that waits for it.
      this.runtime.post({ t: 'ret', to: message.to, op: message.op, e: encodeError(new TypeError(`go: the goroutine's result cannot cross to thread ${message.to}: ${why}`), this.runtime, message.to) });
      return;
    }
    const thread = this.byId.get(message.to);
    const started = thread?.goroutines.get(message.op);
    if (thread === undefined || started === undefined) return;
    this.unplace(thread, message.op);
    const failure = new TypeError(`go: an argument cannot cross to another thread: ${why}`, { cause: error });
    if (started.relay !== null) this.runtime.post({ t: 'ret', to: started.relay.to, op: started.relay.op, e: encodeError(failure, this.runtime, started.relay.to) });
    else started.reject(failure);
  }

  /** A value encoded for the main thread, encoded for thread `to` (a value with no channel or context in it is passed as it is). */
  private reencode(wire: unknown, to: number): unknown {
    return encode(decode(wire, this.runtime), this.runtime, to);
  }

  /** Stops taking goroutines, waits for those running, and ends every thread. */
  async close(): Promise<void> {
    this.closing = true;
    try {
      if (this.running > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
      await Promise.all(this.threads.map((thread) => thread.worker.terminate()));
    } finally {
      this.closing = false;
    }
  }

  /** The live threads' ids (for tests and reports). */
  threadIds(): number[] {
    return this.threads.map((thread) => thread.id);
  }

  /**
   * The thread for the next goroutine: the least busy of the first `procs`
   * threads, or a new one while each of those has work and there is room.
   */
  private pick(): Thread {
    let best: Thread | undefined;
    const limit = Math.min(this.procs, this.threads.length);
    for (let i = 0; i < limit; i++) {
      const thread = this.threads[i] as Thread;
      if (best === undefined || thread.goroutines.size < best.goroutines.size) best = thread;
    }
    if ((best === undefined || best.goroutines.size > 0) && this.threads.length < this.procs) best = this.spawn();
    return best as Thread;
  }

  private spawn(): Thread {
    const id = this.nextThread++;
    const range = this.freeRanges.pop();
    if (range === undefined) throw new RangeError(`go: more than ${MAX_THREADS - 1} threads`);
    const data = { id, range, words: this.memory.words, winners: this.memory.winners, watch: this.watchEntry, ...(this.nice > 0 ? { nice: this.nice } : {}) };
    const traffic = new Traffic();
    // The host calls these only after spawn has returned: `thread` is set by then.
    const worker = host().spawn(
      data,
      {
        message: (batch: readonly unknown[]) => {
          traffic.received++;
          this.runtime.receive(batch);
        },
        error: (error: unknown) => {
          thread.error = error;
        },
        exit: (code: number | undefined) => this.exited(thread, code),
      },
      this.resourceLimits,
    );
    const out: Port = {
      postMessage: (batch: unknown): void => {
        worker.port.postMessage(batch);
        traffic.sent++;
        if (this.watchEntry !== null || thread.serving) this.keep(thread);
      },
    };
    const thread: Thread = { id, range, worker, port: worker.port, out, traffic, refd: false, serving: false, goroutines: new Map(), error: undefined };
    this.threads.push(thread);
    this.keep(thread);
    this.byId.set(id, thread);
    return thread;
  }

  private place(thread: Thread, op: number, started: Started): void {
    thread.goroutines.set(op, started);
    this.keep(thread);
    this.placed.set(op, thread);
    this.running++;
  }

  private unplace(thread: Thread, op: number): void {
    thread.goroutines.delete(op);
    this.placed.delete(op);
    this.keep(thread);
    if (--this.running === 0) {
      const idle = this.idle;
      this.idle = [];
      for (const resolve of idle) resolve();
    }
  }

  /**
   * Refs or unrefs `thread`: ref'd while goroutines are placed on it, or
   * while it is home to channels other threads hold and has not said it is
   * idle (a timer there may still send on one); while a deadlock watcher
   * runs, while it is not idle instead (goroutines or none: one that only
   * serves channels may have a message to answer), so that the main
   * thread's loop empties when every thread's has (liveness.ts).
   */
  private keep(thread: Thread): void {
    const ref = this.watchEntry === null ? thread.goroutines.size > 0 || (thread.serving && !thread.traffic.idle) : !thread.traffic.idle;
    if (ref === thread.refd) return;
    thread.refd = ref;
    if (ref) thread.worker.ref();
    else thread.worker.unref();
  }

  /** A thread ended: fail its goroutines, and tell every other thread. */
  private exited(thread: Thread, code: number | undefined): void {
    const index = this.threads.indexOf(thread);
    if (index >= 0) this.threads.splice(index, 1);
    this.byId.delete(thread.id);
    this.freeRanges.push(thread.range);
    const exitCode = code === undefined ? {} : { exitCode: code };
    const reason =
      thread.terminated === undefined
        ? new ThreadExitError(thread.id, describeDeath(thread.id, code, thread.error), { cause: thread.error, ...exitCode })
        : new ThreadExitError(thread.id, describeTermination(thread.id, thread.terminated.reason), { cause: thread.terminated.reason, ...exitCode });
    for (const [op, started] of [...thread.goroutines]) {
      this.unplace(thread, op);
      if (started.relay !== null) this.runtime.post({ t: 'ret', to: started.relay.to, op: started.relay.op, e: encodeError(reason, this.runtime, started.relay.to) });
      else started.reject(reason);
    }
    this.runtime.died(thread.id, reason);
    const wire = encodeError(reason, this.runtime, -1);
    for (const other of this.threads) this.runtime.post({ t: 'died', to: other.id, thread: thread.id, reason: wire });
  }
}

function noop(): void {}

