import { Batch, pack, unpack } from './frames.js';
import type { Message } from './protocol.js';

/** Port is what a Link posts to: a worker, or a worker's parentPort. */
export interface Port {
  postMessage(value: unknown): void;
}

/**
 * Link batches the messages a thread sends: everything posted to one port
 * during a turn goes as one postMessage at the end of the turn's microtasks,
 * so a burst of channel operations costs one structured clone and one wake
 * of the other thread, not one per operation. A batch is a flat array of
 * frames (frames.ts). A turn is as long as the receiver makes it: it reads
 * every batch already queued for it before its microtasks run (`drain` in
 * host.ts), so the answers to all of them leave in one batch.
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
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.flushBound);
    }
  }

  /** Sends every waiting batch now. */
  flush(): void {
    this.scheduled = false;
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
