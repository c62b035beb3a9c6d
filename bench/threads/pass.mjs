/**
 * Sends the values 0 … count-1 on `jobs` with at most `inFlight` not yet
 * answered on `results`, and resolves with the sum of the answers: the
 * no-op and memory workloads' feed (child.mjs, memory-spaces.mjs), whose
 * callers check the sum.
 */
export async function pass(jobs, results, count, inFlight) {
  let waiting = 0;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    if (waiting === inFlight) {
      sum += (await results.recv())[0];
      waiting--;
    }
    await jobs.send(i);
    waiting++;
  }
  for (; waiting > 0; waiting--) sum += (await results.recv())[0];
  return sum;
}
