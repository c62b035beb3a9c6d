// Main receives from a channel that lives on a thread (labelled there) and
// nobody sends to: the report names it as its home describes it.
import { watchDeadlocks } from '@gochan/testing';
import { go } from '@gochan/threads';

watchDeadlocks();
const made = await go(new URL('./goroutines/make-channel.mjs', import.meta.url), 'made there', 0);
await made.recv();
console.log('unreachable');
