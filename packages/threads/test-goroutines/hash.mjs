// The CPU-bound job of the benchmarks: an integer hash iterated `rounds` times from `seed` (xorshift-multiply, 32-bit).
export function hash(seed, rounds) {
  let h = seed | 0;
  for (let i = 0; i < rounds; i++) {
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    h = Math.imul(h, 0x846ca68b);
    h ^= h >>> 16;
    h = (h + i) | 0;
  }
  return h >>> 0;
}

// A worker of the benchmark's pool: hashes every job it receives and sends back [job, hash].
export default async function hashWorker(jobs, results, rounds) {
  for await (const job of jobs) await results.send([job, hash(job, rounds)]);
}
