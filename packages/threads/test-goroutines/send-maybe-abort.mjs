// Sends `count` numbers from `start` on `output`; each send, with chance `abortChance`,
// carries a signal that aborts after 0-2 ms. Returns the values whose send completed.
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
