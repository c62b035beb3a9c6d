import { Batch, pack, unpack } from './frames.js';
import type { Message } from './protocol.js';

/** Port is what a Link posts to: a worker, or a worker's parentPort. */
export interface Port {
  postMessage(value: unknown): void;
}

/** How long into a turn a batch may begin and wait for the turn's end; one begun later leaves at once (see Link). */
const HOLD_MS = 1;

/**
 * Link batches the messages a thread sends: everything posted to one port
 * during a turn goes as one postMessage at the end of the turn's microtasks,
 * so a burst of channel operations costs one structured clone and one wake
 * of the other thread, not one per operation. A batch is a flat array of
 * frames (frames.ts). A turn is as long as the receiver makes it: it reads
 * every batch already queued for it before its microtasks run (`drain` in
 * host.ts), so the answers to all of them leave in one batch.
 *
 * A batch waits for the end of the turn's microtasks, and a microtask may
 * compute: a goroutine's continuation that hashes for milliseconds holds
 * back every message another goroutine of this thread posted before it ran
 * (measured on the CPU-bound benchmark: two goroutines of a thread fell into
 * lockstep, each job's send and receive waiting behind the other's job, two
 * round trips to the main thread for every two jobs where one suffices). So
 * a batch begun more than HOLD_MS after the turn began (`opened`: a batch
 * arrived, or the last batch left) leaves at once: this thread has been
 * computing, and the others should not wait for it. What joined a batch
 * begun early still waits for the turn's end (a task that computes after
 * another posted, in the same turn, holds that post back: the time is
 * read once a batch, not once a message, to keep the hot path cheap).
 * Go's runtime has the same concern: a goroutine that runs long does not
 * keep the others of its thread from being scheduled (sysmon preempts it);
 * here the thread cannot be preempted, but what it owes the others leaves
 * as soon as it is known.
 *
 * A batch that structured clone refuses (a value that cannot be cloned) is
 * sent again message by message, and each message that still fails is
 * handed to `refused`, so that one bad value fails its own operation and no
 * other.
 */
export class Link {
  /** Batches waiting for the flush, by port (each written in place, turn after turn: frames.ts's Batch). */
  private readonly outbox = new Map<Port, Batch>();
  private scheduled = false;
  /** When this turn began (performance.now()): a batch arrived (`opened()`), or the last batch left. */
  private openedAt = 0;
  private readonly flushBound = (): void => this.flush();

  constructor(private readonly refused: (message: Message, error: unknown) => void) {}

  /** Queues `message` for `port`. */
  post(port: Port, message: Message): void {
    let batch = this.outbox.get(port);
    if (batch === undefined) {
      batch = new Batch();
      this.outbox.set(port, batch);
    }
    pack(message, batch);
    if (this.scheduled) return;
    if (performance.now() - this.openedAt > HOLD_MS) {
      this.flush(); // this thread has computed since the turn began: nothing waits behind it
      return;
    }
    this.scheduled = true;
    queueMicrotask(this.flushBound);
  }

  /** A batch arrived: a turn begins, and what it posts gathers for HOLD_MS at most. */
  opened(): void {
    this.openedAt = performance.now();
  }

  /** Sends every waiting batch now. */
  flush(): void {
    this.scheduled = false;
    this.openedAt = performance.now();
    for (const [port, batch] of this.outbox) {
      if (batch.n === 0) continue;
      const fields = batch.take();
      try {
        port.postMessage(fields);
      } catch {
        unpack(fields, (message) => {
          const single = new Batch();
          pack(message, single);
          try {
            port.postMessage(single.take());
          } catch (error) {
            this.refused(message, error);
          }
        });
      }
    }
  }

  /** Forgets a port that is gone, and what was waiting for it. */
  drop(port: Port): Message[] {
    const messages: Message[] = [];
    unpack(this.outbox.get(port)?.take() ?? [], (message) => messages.push(message));
    this.outbox.delete(port);
    return messages;
  }
}
