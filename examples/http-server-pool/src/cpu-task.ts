import type { Context } from '@gochan/context';
import type { Job } from '@gochan/pool';

/*
 * The task of TASK_KIND=cpu, a module the pool runs on a thread of
 * @gochan/threads: it computes (an integer hash, over and over) for the
 * task's milliseconds, its payload, as real work holds a core. Every few
 * milliseconds it lets its thread's event loop turn, so that its context's
 * cancellation (a shutdown past its timeout) can arrive, and stops then,
 * as the sleep task does: Go's `select { case <-ctx.Done(): ... default: }`
 * between slices of work.
 */

/** How long one slice of work runs before the task looks at its context, in milliseconds. */
const SLICE_MS = 5;

/** Computes for `task.payload` ms; rejects with the context's error once it is cancelled. */
export default async function cpuTask(task: Job<number | undefined>, ctx: Context): Promise<number> {
  const ms = typeof task.payload === 'number' ? task.payload : 0;
  const end = performance.now() + ms;
  let h = 0;
  for (;;) {
    const sliceEnd = Math.min(end, performance.now() + SLICE_MS);
    while (performance.now() < sliceEnd) h = mix(h);
    if (performance.now() >= end) return h >>> 0;
    await new Promise<void>((resolve) => setImmediate(resolve));
    const err = ctx.err();
    if (err !== undefined) throw err;
  }
}

/** A thousand rounds of a 32-bit xorshift-multiply hash. */
function mix(seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < 1_000; i++) {
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    h = Math.imul(h, 0x846ca68b);
    h ^= h >>> 16;
    h = (h + i) | 0;
  }
  return h;
}
