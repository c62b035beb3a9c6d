// The no-op worker: ranges over `jobs`, sends each value straight back on `results`.
export default async function noopWorker(jobs, results) {
  for await (const job of jobs) await results.send(job);
}
