import { hash } from './hash.mjs';

// The same job as a thread pool's task (piscina, tinypool, workerpool): one call per job.
export default function hashTask({ job, rounds }) {
  return hash(job, rounds);
}
