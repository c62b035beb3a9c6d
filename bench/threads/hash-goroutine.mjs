import { hash } from './hash.mjs';

// A worker of the articles' pool as a goroutine: ranges over `jobs`, sends [job, hash] on `results`.
export default async function hashWorker(jobs, results, rounds) {
  for await (const job of jobs) await results.send(hash(job, rounds));
}
