// dump() of a select on a thread whose cases wait on two threads' channels.
import { Channel } from '@gochan/channel';
import { dump, label, watchDeadlocks } from '@gochan/testing';
import { go } from '@gochan/threads';

watchDeadlocks();
const ready = label(new Channel(), 'ready');
const theirs = label(new Channel(2), 'theirs');
void go(new URL('./goroutines/select-two-homes.mjs', import.meta.url), ready, theirs);
await ready.recv();
let text = '';
for (let tries = 0; tries < 500 && !text.includes('[select]'); tries++) {
  await new Promise((resolve) => setTimeout(resolve, 10));
  text = dump({ wait: 5000 });
}
console.log(text);
process.exit(0);
