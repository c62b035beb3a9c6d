import { hash } from './hash.mjs';

// The hash job as a pool's module handler (WorkerPool({ handler: new URL('./hash-handler.mjs', ...) })): payload [seed, rounds].
export default function hashHandler(job) {
  const [seed, rounds] = job.payload;
  return hash(seed, rounds);
}
