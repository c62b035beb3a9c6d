// Sends `count` numbers from `start` on `output`; each send, with chance `abortChance`,
// carries a signal that aborts after 0-2 ms, and now and then it dawdles first (0-2 ms,
// or 5), so that the receiver parks and its own signals race the hand-off. Returns the
// values whose send completed.
export default async function sendMaybeAbort(output, start, count, seed, abortChance) {
  let state = seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const sent = [];
  for (let i = 0; i < count; i++) {
    const pause = random();
    if (pause < 0.2) await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 3)));
    // Now and then longer than any receiver's timeout, so that a parked receive's signal wins for sure:
    // the home answers an operation that can complete at once in the same turn, and without these the
    // receiver's 0-2 ms timeouts could all lose to the values (seen once under load: none aborted in 25 runs).
    else if (pause < 0.25) await new Promise((resolve) => setTimeout(resolve, 5));
    const signal = random() < abortChance ? AbortSignal.timeout(Math.floor(random() * 3)) : undefined;
    try {
      await output.send(start + i, signal);
      sent.push(start + i);
    } catch (error) {
      if (error?.name !== 'TimeoutError') throw error;
    }
  }
  return sent;
}
