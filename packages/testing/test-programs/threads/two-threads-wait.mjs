// Go: two goroutines each wait on a channel nobody sends to, and main waits
// for both (a WaitGroup's Wait): with GOMAXPROCS=2 they run on two threads,
// and main waits on no channel at all, only on their results.
import { Channel } from '@gochan/channel';
import { label, watchDeadlocks } from '@gochan/testing';
import { go } from '@gochan/threads';

watchDeadlocks();
const ping = label(new Channel(), 'ping');
const pong = label(new Channel(1), 'pong');
const wait = new URL('./goroutines/wait-then-send.mjs', import.meta.url);
await Promise.all([go(wait, ping), go(wait, pong)]);
console.log('unreachable');
