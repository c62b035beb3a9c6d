// Main waits while a goroutine on a thread computes (no await, nothing
// pending there but JavaScript): never a deadlock; then the value comes.
import { Channel } from '@gochan/channel';
import { watchDeadlocks } from '@gochan/testing';
import { go } from '@gochan/threads';

watchDeadlocks();
const results = new Channel();
void go(new URL('./goroutines/compute-then-send.mjs', import.meta.url), results, Number(process.argv[2] ?? 30_000_000));
const [hash] = await results.recv();
console.log(`hash ${typeof hash}`);
