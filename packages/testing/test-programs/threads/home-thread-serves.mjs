// A channel whose home thread has no goroutine left: every operation on it
// is a message to that thread, in flight while this thread waits, and the
// watcher reports nothing while one is on its way.
import { watchDeadlocks } from '@gochan/testing';
import { go } from '@gochan/threads';

watchDeadlocks();
const box = await go(new URL('./goroutines/make-channel.mjs', import.meta.url), 'box', 1);
let sum = 0;
for (let i = 1; i <= 100; i++) {
  await box.send(i);
  sum += (await box.recv())[0];
}
console.log(`sum ${sum}`);
