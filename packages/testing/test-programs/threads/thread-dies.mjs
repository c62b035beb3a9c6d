// A thread dies while main waits on a channel only a goroutine there would
// have sent on: nobody can send any more, a deadlock, and the report lists
// what is parked on the living threads only.
import { Channel } from '@gochan/channel';
import { label, watchDeadlocks } from '@gochan/testing';
import { go } from '@gochan/threads';

watchDeadlocks();
const ready = label(new Channel(), 'ready');
void go(new URL('./goroutines/park-labelled.mjs', import.meta.url), ready);
await ready.recv();
const died = await go(new URL('./goroutines/exit.mjs', import.meta.url), 3).catch((error) => error);
console.log(died.name);
await ready.recv();
console.log('unreachable');
