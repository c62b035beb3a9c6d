// The job of test-child-pool.mjs as a module handler, run on a thread of
// @gochan/threads: the same lines, written to the same file descriptor
// (fd 1 is the process's; a SIGKILL takes the threads with it).
import { writeSync } from 'node:fs';

export default async function job(job) {
  writeSync(1, `start ${job.id} ${job.attempt}\n`);
  await new Promise((resolve) => setTimeout(resolve, job.payload));
  writeSync(1, `end ${job.id}\n`);
}
