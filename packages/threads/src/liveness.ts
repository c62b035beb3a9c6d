/** What liveness needs of a worker's port (Node's MessagePort): no Node types, so that the package's declarations need none. */
interface RefPort {
  ref(): void;
  unref(): void;
}

/*
 * What Go's checkdead knows and a thread pool must ask for: whether anything
 * can still run on a thread. Go's runtime counts the Ms that are not idle
 * (`mcount() - sched.nmidle - ...`: one computing, or blocked in a syscall
 * or in the netpoller, means no deadlock) and the timers of every P. A
 * thread of the pool knows the same of itself in Node's terms: its event
 * loop emptied ('beforeExit') when no goroutine computes and no timer, I/O
 * or other handle is pending. What Node cannot see from the main thread is
 * that moment on a worker, nor a message still on its way; so, and only
 * while a deadlock watcher runs (an idle program pays nothing otherwise):
 *
 *  - each worker counts the batches it reads from and posts to the main
 *    thread, and each time its loop empties it says so (`idle`, with how
 *    many batches it had read); its port is then ref'd, so that the thread
 *    stays up, until SETTLE_MS after the last batch it reads, so that the
 *    next emptying is seen;
 *  - the main thread counts the batches it posts to and reads from each
 *    worker: a worker is idle when its last `idle` said it had read every
 *    batch sent to it. An idle worker is unref'd, so that the main thread's
 *    own loop can empty ('beforeExit', where the watcher decides) while the
 *    goroutines on the workers are parked; a worker that is not idle is
 *    ref'd, whether goroutines are placed on it or it only serves channels.
 *
 * A message in flight is seen by the counts: a worker that has not yet read
 * a batch is not idle, and a dump's answer (dumps.ts) says how many batches
 * the worker posted, so that one the main thread has not read yet counts.
 */

/**
 * How long after its last batch a worker's port stops keeping it up, so that
 * its loop can empty ('beforeExit'). A thread in a conversation (an
 * unbuffered ping-pong) would otherwise empty its loop between every two
 * batches and report each time (measured: one `idle` per round of a
 * ping-pong with the main thread; with this, a handful in 3,000 rounds). So
 * the port stays ref'd, and a timer armed at the first batch looks every
 * SETTLE_MS whether another came: only a thread that reads batches pays, one
 * timer every SETTLE_MS, and a check per batch. The watcher's report comes
 * up to twice this much later.
 */
const SETTLE_MS = 2;

/** The worker's side: counts batches, and tells the main thread each time its event loop empties. */
export class WorkerLiveness {
  /** Batches read from the main thread. */
  received = 0;
  /** Batches posted to it. */
  sent = 0;
  /** `received` when the event loop last emptied; -1 before that, or while not watching. */
  idleAt = -1;
  /** Whether the thread reports its emptyings: while a watcher runs, or while it serves channels. */
  private watching = false;
  private watched = false;
  private serving = false;
  /** Whether the port is ref'd by us: from an emptying until SETTLE_MS after the next batch. */
  private held = false;
  /** Unrefs the port once SETTLE_MS pass without a batch (unref'd itself; refreshed, never reallocated). */
  private settle: ReturnType<typeof setTimeout> | null = null;
  /** Whether `settle` runs, and `received` when it was armed. */
  private armed = false;
  private armedAt = 0;

  constructor(
    private readonly port: RefPort,
    /** Posts `idle` to the main thread and sends it at once. */
    private readonly tell: (seen: number) => void,
  ) {}

  /** A deadlock watcher runs: the port stops keeping the thread alive while it computes, so that 'beforeExit' comes. */
  start(): void {
    this.watched = true;
    this.update();
  }

  /** The watcher stopped: unless the thread serves channels, the port keeps it alive again, as its listener does. */
  stop(): void {
    this.watched = false;
    this.update();
  }

  /**
   * The thread began (true) or ceased (false) to be home to channels that
   * other threads hold. While it is, with or without a watcher, it says
   * when its loop empties, and the main thread keeps it up until then: a
   * timer here that will send on one of them (the goroutine that made it
   * having returned) is work Go would wait for, which the main thread
   * cannot see. A thread that homes no such channel pays nothing.
   */
  serve(on: boolean): void {
    this.serving = on;
    this.update();
  }

  /** The port's listener was attached, which refs it: unref it again while watching. */
  listening(): void {
    if (this.watching && !this.held) this.port.unref();
  }

  /** Starts or stops the reports as `watched || serving` says. */
  private update(): void {
    const on = this.watched || this.serving;
    if (on === this.watching) return;
    this.watching = on;
    this.held = false;
    if (on) {
      this.port.unref();
      process.on('beforeExit', this.emptied);
      return;
    }
    this.idleAt = -1;
    this.armed = false;
    if (this.settle !== null) clearTimeout(this.settle);
    process.off('beforeExit', this.emptied);
    this.port.ref();
  }

  /** A batch arrived: the thread may run again, and its next emptying must be seen. */
  batch(): void {
    this.received++;
    if (this.held && !this.armed) this.arm();
  }

  private arm(): void {
    this.armed = true;
    this.armedAt = this.received;
    (this.settle ??= setTimeout(this.settled, SETTLE_MS).unref()).refresh();
  }

  /** SETTLE_MS without a batch: the port lets the loop empty, and the emptying be seen. */
  private readonly settled = (): void => {
    this.armed = false;
    if (!this.held) return;
    if (this.received !== this.armedAt) return this.arm(); // batches came: look again later
    this.held = false;
    if (this.watching) this.port.unref();
  };

  /** The event loop emptied: nothing runs here until a batch comes. */
  private readonly emptied = (): void => {
    this.idleAt = this.received;
    this.held = true;
    this.port.ref();
    this.tell(this.received);
  };
}

/** The main thread's side, for one worker: the batches each way, and its last `idle`. */
export class Traffic {
  /** Batches posted to the worker. */
  sent = 0;
  /** Batches read from it. */
  received = 0;
  /** `seen` of its last `idle`; -1 before one. */
  private idleSeen = -1;

  /** Whether the worker's loop emptied after it had read everything sent to it. */
  get idle(): boolean {
    return this.idleSeen === this.sent;
  }

  /** The worker said its loop emptied after `seen` batches. */
  idleAfter(seen: number): void {
    this.idleSeen = seen;
  }

  /** Forgets the last `idle` (the watcher stopped, or starts again). */
  reset(): void {
    this.idleSeen = -1;
  }
}
