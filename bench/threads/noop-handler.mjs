// The no-op job as a pool's module handler: returns its payload.
export default function noopHandler(job) {
  return job.payload;
}
