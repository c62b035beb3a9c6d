// Not a library: the floor. The same loops with the channel taken out, so
// that what is left is the cost of their `await`s: each send is
// `queue.push(v); await RESOLVED` and each receive is `await RESOLVED` then
// take the oldest value, where `queue` is a plain growable ring. A receiver
// that finds nothing, or a sender that finds the queue at the channel's
// capacity (1 for unbuffered), awaits again (a spin, counted and reported),
// as nothing can park here.
// A channel whose every operation returns a promise that the caller awaits
// does at least this much per message, whatever else it does.
import { block, combine, fourChannels } from '../workloads.mjs';

export const meta = {
  package: 'no channel (floor)',
  form: 'the same loops with each channel operation replaced by one `await` of an already-resolved promise, over a plain growable ring; a receiver that finds it empty, or a sender that finds it at capacity (1 when unbuffered), awaits again (a spin, counted in results.json)',
  reference: true,
};

const RESOLVED = Promise.resolve();

/**
 * A queue with no waiting: a ring that doubles when full (so it never shifts
 * an array), plus a closed flag. Operations on it are synchronous; the loops
 * below do their one `await` per operation themselves.
 */
class Queue {
  slots = new Array(16);
  head = 0;
  length = 0;
  closed = false;
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
    return v;
  }
}

/** What the receivers' extra awaits were: one per time a queue was found empty. */
let spins = 0;

/** Sends first..last; a full queue (`bound` values) makes the sender await again, as backpressure. */
async function produce(q, first, last, bound) {
  for (let v = first; v <= last; v++) {
    while (q.length >= bound) {
      spins++;
      await RESOLVED;
    }
    q.push(v);
    await RESOLVED;
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
