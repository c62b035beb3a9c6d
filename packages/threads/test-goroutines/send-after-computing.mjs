// Two tasks on one thread. The first is queued to run next and spins until
// the pool's thread has the second's value (flag[0] becomes 1) or 10 s pass;
// the second computes for 20 ms and then sends on `output`. Returns whether
// the value reached the pool's thread while the first task held this one:
// false if the send waited for the end of the spin.
export default async function sendAfterComputing(output, flagBuffer) {
  const flag = new Int32Array(flagBuffer);
  const spinner = (async () => {
    await null;
    const deadline = Date.now() + 10_000;
    while (Atomics.load(flag, 0) === 0 && Date.now() < deadline);
    return Atomics.load(flag, 0) === 1;
  })();
  const until = performance.now() + 20;
  while (performance.now() < until);
  const sent = output.send('computed');
  const seen = await spinner;
  await sent;
  return seen;
}
