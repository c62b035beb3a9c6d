// dump() while one goroutine is parked on thread 1 and another computes on
// thread 2 without yielding: thread 2 cannot answer, and dump() says so
// after its wait instead of hanging.
import { Channel } from '@gochan/channel';
import { dump, label, watchDeadlocks } from '@gochan/testing';
import { go } from '@gochan/threads';

watchDeadlocks();
const ready = label(new Channel(), 'ready');
void go(new URL('./goroutines/park-labelled.mjs', import.meta.url), ready);
await ready.recv();
const flag = new SharedArrayBuffer(8);
const words = new Int32Array(flag);
const spinning = go(new URL('./goroutines/spin.mjs', import.meta.url), flag);
while (Atomics.load(words, 1) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
console.log(dump({ wait: Number(process.argv[2] ?? 300) }));
Atomics.store(words, 0, 1);
await spinning;
process.exit(0);
