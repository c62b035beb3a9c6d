// The event loop's floor (pool-child.mjs, lib `bare`): one bare worker thread
// computing its share of the CPU-bound jobs (jobs first, first + step, ...)
// in one go, with no message per job, and posting the sum of its hashes.
import { parentPort, workerData } from 'node:worker_threads';
import { hash } from './hash.mjs';

parentPort.once('message', () => {
  const { first, step, jobs, rounds } = workerData;
  let sum = 0;
  for (let j = first; j < jobs; j += step) sum = (sum + hash(j, rounds)) >>> 0;
  parentPort.postMessage(sum);
});
