/*
 * The random draws of select under a test run: a small deterministic
 * generator seeded by fast-check, so that a run replays exactly from its
 * seed (Math.random would not). A 32-bit xorshift: far from a good source
 * of randomness for statistics, plenty to pick among a select's cases.
 */

/** A generator of numbers in [0, 1) from `seed`: the same seed, the same sequence. */
export function seededRandom(seed: number): () => number {
  // Mix the seed so that neighbouring seeds start far apart; xorshift's
  // state may not be 0.
  let state = Math.imul((seed | 0) ^ 0x5bd1e995, 0x27d4eb2d) | 0 || 0x1badf00d;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}
