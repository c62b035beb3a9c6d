/*
 * Go's cheaprand: the runtime's own small generator for select's choices,
 * rather than the language's Math.random. Nothing here needs to be
 * unpredictable, only uniform and fast: select draws on every run, and
 * V8's Math.random is a builtin call with a cache refilled by a runtime
 * call every 64 draws (measured: about 75 instructions a draw, a tenth of
 * a fan-in select), where this is a few integer operations inlined at the
 * call site.
 *
 * mulberry32: 32 bits of state, period 2^32, every output equally likely
 * over a period. The state stays an int32, so it is a small integer in
 * the module's context and updating it allocates nothing.
 */

/**
 * Seeded once per process from Math.random, as Go seeds cheaprand from the
 * OS. A `var`, not a `let`: no temporal-dead-zone check on each draw (see
 * pace.ts).
 */
var state = (Math.random() * 4294967296) | 0;

/** A number in [0, 1) with 32 random bits, as Math.random returns. */
export function cheaprand(): number {
  const s = (state = (state + 0x6d2b79f5) | 0);
  let t = Math.imul(s ^ (s >>> 15), s | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
