// Main waits while the goroutine's thread has only a timer pending: Go's
// checkdead sees the timer and reports nothing; neither does the watcher.
import { Channel } from '@gochan/channel';
import { watchDeadlocks } from '@gochan/testing';
import { go } from '@gochan/threads';

watchDeadlocks();
const results = new Channel();
void go(new URL('./goroutines/sleep-then-send.mjs', import.meta.url), results, Number(process.argv[2] ?? 300));
console.log((await results.recv())[0]);
