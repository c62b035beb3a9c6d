import v8 from 'node:v8';

// The memory workload's worker, for memory-spaces.mjs: ranges over `jobs`,
// sends each value back on `results`, then collects its thread's garbage
// (with --expose-gc) and returns its heap's sizes in MB.
export default async function echoHeap(jobs, results) {
  for await (const job of jobs) await results.send(job);
  globalThis.gc?.();
  return heapSizes();
}

/** This isolate's live heap and the space V8 holds for it, in MB. */
export function heapSizes() {
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((space) => [space.space_name, space.space_size]));
  const mb = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;
  const heap = v8.getHeapStatistics();
  return { usedMB: mb(heap.used_heap_size), totalMB: mb(heap.total_heap_size), newSpaceMB: mb(spaces.new_space), oldSpaceMB: mb(spaces.old_space) };
}
