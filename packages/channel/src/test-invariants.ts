// Test support (not built into dist): checks chan.go's invariants, as stated
// at the top of channel.ts, on a channel's internals.
import type { Channel } from './channel.js';
import type { WaitQueue, Waiter } from './waiter.js';

function waitersOf(queue: WaitQueue<unknown>): Waiter<unknown>[] {
  const out: Waiter<unknown>[] = [];
  const head = queue.head;
  if (head === null) return out;
  // Circular: walk from the head until it comes round again.
  let w: Waiter<unknown> = head;
  do {
    if (w.queue !== queue) throw new Error('a queued waiter does not point back at its queue');
    const next = w.next;
    if (next === null) throw new Error('a queued waiter has no next link');
    if (next.prev !== w) throw new Error('a queued waiter has a broken prev link');
    out.push(w);
    if (out.length > 1_000_000) throw new Error('a wait queue has a cycle that misses its head');
    w = next;
  } while (w !== head);
  if (queue.tail !== out[out.length - 1]) throw new Error('a wait queue has a stale tail');
  return out;
}

/** Throws if `channel` breaks one of its invariants. */
export function checkInvariants(channel: Channel<any>): void {
  const recvs = waitersOf(channel.recvq as WaitQueue<unknown>);
  const sends = waitersOf(channel.sendq as WaitQueue<unknown>);
  const { length, capacity, closed } = channel;
  if (length < 0 || length > capacity) throw new Error(`length ${length} outside 0..${capacity}`);
  if (recvs.length > 0 && sends.length > 0) {
    const only = recvs[0]?.select;
    const selfSelect = capacity === 0 && only != null && [...recvs, ...sends].every((w) => w.select === only);
    if (!selfSelect) throw new Error('both wait queues are non-empty');
  }
  if (length > 0 && recvs.length > 0) throw new Error('values in the buffer with a waiting receiver');
  if (length < capacity && sends.length > 0) throw new Error('room in the buffer with a waiting sender');
  if (closed && (recvs.length > 0 || sends.length > 0)) throw new Error('a closed channel has waiters');
  for (const w of [...recvs, ...sends]) {
    if (w.select !== null && w.select.fired) throw new Error('a waiter of a settled select is still queued');
    if (w.signal !== undefined && w.signal.aborted) throw new Error('an aborted operation is still queued');
  }
}

/** The number of waiters queued on a channel, receivers and senders. */
export function waiterCount(channel: Channel<any>): { recv: number; send: number } {
  return {
    recv: waitersOf(channel.recvq as WaitQueue<unknown>).length,
    send: waitersOf(channel.sendq as WaitQueue<unknown>).length,
  };
}
