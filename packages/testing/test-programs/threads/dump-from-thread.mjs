// dump() called by a goroutine on a thread lists main's parked receive too.
import { Channel } from '@gochan/channel';
import { label, watchDeadlocks } from '@gochan/testing';
import { go } from '@gochan/threads';

watchDeadlocks();
const results = label(new Channel(), 'results');
void go(new URL('./goroutines/dump-here.mjs', import.meta.url), results);
console.log((await results.recv())[0]);
process.exit(0);
