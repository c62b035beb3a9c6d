// A program that ends normally under the watcher: a producer that closes,
// a consumer that ranges, a WaitGroup, a timer stopped, a goroutine left
// parked on nothing (no: every operation settles). Prints the sum; the
// watcher must print nothing.
import { Channel, Timer, recv, select } from '@gochan/channel';
import { WaitGroup } from '@gochan/waitgroup';
import { watchDeadlocks } from '@gochan/testing';

watchDeadlocks();
const ch = new Channel();
const wg = new WaitGroup();
let sum = 0;
wg.go(async () => {
  for await (const v of ch) sum += v;
});
for (let i = 1; i <= 100; i++) await ch.send(i);
ch.close();
await wg.wait();
const timer = new Timer(5);
const [i] = await select([recv(timer.c), recv(new Channel(1))]);
console.log('sum', sum, 'timer', i);
