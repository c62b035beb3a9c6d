// Not a library: the floor. The same loops over the least a channel must be:
// each send that finds room is `queue.push(v); await RESOLVED`, one that finds
// the queue at capacity (1 when unbuffered) parks on a new promise until a
// receiver moves its value in; each receive is `await RESOLVED`, then takes
// the oldest value. A receiver that finds nothing awaits again (a spin,
// counted and reported) instead of parking.
// A channel whose every operation returns a promise that the caller awaits
// does at least this much per message, whatever else it does.
import { block, combine, fourChannels } from '../workloads.mjs';

export const meta = {
  package: 'no channel (floor)',
  form: 'the same loops over the least a channel must be: a growable ring, one `await` of an already-resolved promise per operation, a sender at capacity (1 when unbuffered) parked on a new promise until a receiver moves its value in; a receiver that finds the ring empty awaits again (a spin, counted in results.json); no select, close is a flag, no abort, no fairness to the event loop',
  reference: true,
};

const RESOLVED = Promise.resolve();

/**
 * The least a channel must do: a ring that doubles when full (so it never
 * shifts an array), senders that find it at capacity parked in FIFO order and
 * moved in as values are taken (Go's refill from sendq), and a closed flag.
 * No select, no abort, no fairness. Its operations are synchronous; the loops
 * below do the one `await` per operation themselves.
 */
export class Queue {
  slots = new Array(16);
  head = 0;
  length = 0;
  closed = false;
  /** Parked senders' values and resolvers, oldest at parkedHead. */
  parkedValues = [];
  parkedWake = [];
  parkedHead = 0;
  push(v) {
    if (this.length === this.slots.length) {
      this.slots = [...this.slots.slice(this.head), ...this.slots.slice(0, this.head)];
      this.head = 0;
      this.slots.length *= 2;
    }
    this.slots[(this.head + this.length++) % this.slots.length] = v;
  }
  take() {
    const v = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.slots.length;
    this.length--;
    if (this.parkedHead < this.parkedWake.length) {
      const i = this.parkedHead++;
      this.push(this.parkedValues[i]);
      const wake = this.parkedWake[i];
      this.parkedValues[i] = this.parkedWake[i] = undefined;
      if (this.parkedHead === this.parkedWake.length) this.parkedValues.length = this.parkedWake.length = this.parkedHead = 0;
      wake();
    }
    return v;
  }
}

/** The receivers' extra awaits: one per time a queue was found empty. */
let spins = 0;

/** Sends first..last; at `bound` values queued, a send parks until a receiver moves its value in. */
export async function produce(q, first, last, bound) {
  for (let v = first; v <= last; v++) {
    if (q.length < bound) {
      q.push(v);
      await RESOLVED;
    } else {
      await new Promise((wake) => {
        q.parkedValues.push(v);
        q.parkedWake.push(wake);
      });
    }
  }
}

async function consume(q) {
  let count = 0;
  let sum = 0;
  for (;;) {
    await RESOLVED;
    if (q.length === 0) {
      if (q.closed) break;
      spins++;
      continue;
    }
    count++;
    sum += q.take();
  }
  return { count, sum };
}

export async function producerConsumer({ messages, capacity }) {
  const q = new Queue();
  const producer = produce(q, 1, messages, capacity).then(() => (q.closed = true));
  const [, result] = await Promise.all([producer, consume(q)]);
  return { ...result, spins };
}

export async function forAwait({ messages, capacity }) {
  const q = new Queue();
  const producer = produce(q, 1, messages, capacity).then(() => (q.closed = true));
  // An async iterator whose next() is one resolved promise per value; an
  // empty queue makes it await again.
  const next = async () => {
    for (;;) {
      if (q.length > 0) return { value: q.take(), done: false };
      if (q.closed) return { value: undefined, done: true };
      spins++;
      await RESOLVED;
    }
  };
  const iterable = { [Symbol.asyncIterator]: () => ({ next }) };
  const consumer = (async () => {
    let count = 0;
    let sum = 0;
    for await (const v of iterable) {
      count++;
      sum += v;
    }
    return { count, sum };
  })();
  const [, result] = await Promise.all([producer, consumer]);
  return { ...result, spins };
}

export async function pingPong({ roundTrips }) {
  const ping = new Queue();
  const pong = new Queue();
  const echo = (async () => {
    for (;;) {
      await RESOLVED;
      if (ping.length === 0) {
        if (ping.closed) break;
        spins++;
        continue;
      }
      pong.push(ping.take());
      await RESOLVED;
    }
  })();
  let count = 0;
  let sum = 0;
  for (let v = 1; v <= roundTrips; v++) {
    ping.push(v);
    await RESOLVED;
    for (;;) {
      await RESOLVED;
      if (pong.length > 0) break;
      spins++;
    }
    sum += pong.take();
    count++;
  }
  ping.closed = true;
  await echo;
  return { count, sum, spins };
}

export async function fanIn({ producers, perProducer }) {
  const total = producers * perProducer;
  const queues = Array.from({ length: producers }, () => new Queue());
  const senders = queues.map((q, p) => {
    const { first, last } = block(p, producers, total);
    // Unbuffered: a sender waits until its one value has been taken.
    return produce(q, first, last, 1);
  });
  const ready = fourChannels(queues);
  let count = 0;
  let sum = 0;
  let start = 0;
  while (count < total) {
    // One await per message, as a select that finds a case ready; then take
    // from the first non-empty queue, starting the scan one further each time.
    await RESOLVED;
    let q;
    for (let k = 0; k < 4 && q === undefined; k++) {
      const c = ready[(start + k) & 3];
      if (c.length > 0) q = c;
    }
    start = (start + 1) & 3;
    if (q === undefined) {
      spins++;
      continue;
    }
    sum += q.take();
    count++;
  }
  await Promise.all(senders);
  return { count, sum, spins };
}

export async function manyToMany({ producers, consumers, messages, capacity }) {
  const q = new Queue();
  const senders = Array.from({ length: producers }, (_, p) => {
    const { first, last } = block(p, producers, messages);
    return produce(q, first, last, capacity);
  });
  const closer = Promise.all(senders).then(() => (q.closed = true));
  const results = await Promise.all(Array.from({ length: consumers }, () => consume(q)));
  await closer;
  return { ...combine(results), spins };
}
