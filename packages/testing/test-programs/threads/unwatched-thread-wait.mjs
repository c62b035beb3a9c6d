// main-and-thread-wait.mjs without watchDeadlocks(): run with
// `node --import @gochan/testing/watch`, which watches the main thread (and
// through it the pool's threads), and not each thread on its own.
import { Channel } from '@gochan/channel';
import { go } from '@gochan/threads';

const results = new Channel();
void go(new URL('./goroutines/wait-then-send.mjs', import.meta.url), results);
await results.recv();
console.log('unreachable');
