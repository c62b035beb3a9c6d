// The job of test-child-pool.mjs as a module handler, run on a thread of
// @gochan/threads: the same timed lines, on the process's own fd 1.
import { writeSync } from 'node:fs';

const say = (line) => writeSync(1, `${line} ${Date.now()}\n`);

export default async function job(job) {
  say(`start ${job.id} ${job.attempt}`);
  await new Promise((resolve) => setTimeout(resolve, job.payload));
  say(`end ${job.id}`);
}
