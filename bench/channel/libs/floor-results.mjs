// Not a library, and not in the benchmark's table: the floor's recv loop
// (floor.mjs) plus the one thing a `recv()` that returns Go's two results
// cannot leave out. Each receive hands its value over as a fresh `[v, ok]`
// pair in a fresh promise, which the loop awaits and destructures, where the
// floor awaits one shared resolved promise and then reads the queue itself.
// Nothing else is added: no parking (an empty queue is a spin, as in the
// floor), no select, abort or pacing. For issue 14's question of how near
// the floor a `recv` loop can come: what this reaches is the ceiling for any
// channel whose receive resolves with `[v, ok]`.
// Run it by hand beside the two it sits between:
//   node bench/channel/child.mjs floor-results recv
import { Queue, produce } from './floor.mjs';

export const meta = {
  package: 'floor with recv results (reference)',
  form: 'the floor, each receive resolving a fresh promise with a fresh `[v, ok]` pair that the loop destructures',
  reference: true,
};

export const unsupported = {
  forAwait: 'recv only',
  pingPong: 'recv only',
  fanIn: 'recv only',
  manyToMany: 'recv only',
};

const RESOLVED = Promise.resolve();
const CLOSED = Object.freeze([undefined, false]);

/** The receivers' extra awaits: one per time the queue was found empty. */
let spins = 0;

/** A receive as an API returns it: the value in a fresh pair, in a fresh promise; an empty queue is awaited again. */
function receive(q) {
  if (q.length > 0) return Promise.resolve([q.take(), true]);
  if (q.closed) return Promise.resolve(CLOSED);
  spins++;
  return RESOLVED.then(() => receive(q));
}

export async function producerConsumer({ messages, capacity }) {
  const q = new Queue();
  const producer = produce(q, 1, messages, capacity).then(() => (q.closed = true));
  const consumer = (async () => {
    let count = 0;
    let sum = 0;
    for (;;) {
      const [v, ok] = await receive(q);
      if (!ok) break;
      count++;
      sum += v;
    }
    return { count, sum };
  })();
  const [, result] = await Promise.all([producer, consumer]);
  return { ...result, spins };
}
