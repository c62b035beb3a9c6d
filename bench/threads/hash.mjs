// The CPU-bound job of the threads benchmarks: a 32-bit integer hash
// (xorshift-multiply) iterated `rounds` times from `seed`. go/main.go computes
// the same function, so every program's checksum must agree.
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

/** The checksum of a run: the sum of the jobs' hashes, modulo 2^32 (order-independent). */
export function checksum(hashes) {
  let sum = 0;
  for (const h of hashes) sum = (sum + h) >>> 0;
  return sum;
}
