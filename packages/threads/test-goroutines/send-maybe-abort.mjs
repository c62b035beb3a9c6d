// Sends `count` numbers from `start` on `output`; each send, with chance `abortChance`,
// carries a signal that aborts after 0-2 ms, and now and then it dawdles first, so
// that the receiver parks and its own signals race the hand-off. Returns the
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
    if (random() < 0.2) await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 3)));
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
