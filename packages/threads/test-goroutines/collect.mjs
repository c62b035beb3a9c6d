import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// Collects this thread's garbage and lets its finalizers run (they are tasks after a collection), then waits `ms`.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
export default async function collect(ms = 10) {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await new Promise((resolve) => setTimeout(resolve, ms));
  return true;
}
