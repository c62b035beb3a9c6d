// Go: main waits on a channel that only a goroutine could send on, and
// that goroutine waits too (on a channel nobody sends to):
//   results := make(chan int); go func() { <-never; results <- 1 }(); <-results
// Here the goroutine runs on a thread of the pool.
import { Channel } from '@gochan/channel';
import { label, watchDeadlocks } from '@gochan/testing';
import { go } from '@gochan/threads';

watchDeadlocks();
const results = label(new Channel(), 'results');
void go(new URL('./goroutines/wait-then-send.mjs', import.meta.url), results);
await results.recv();
console.log('unreachable');
