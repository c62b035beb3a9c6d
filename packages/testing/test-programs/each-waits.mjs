// Go: two goroutines, each receiving from the channel the other sends on after its own receive.
import { Channel } from '@gochan/channel';
import { label, watchDeadlocks } from '@gochan/testing';

watchDeadlocks();
const ping = label(new Channel(), 'ping');
const pong = label(new Channel(), 'pong');
async function a() {
  await ping.recv();
  await pong.send('a');
}
async function b() {
  await pong.recv();
  await ping.send('b');
}
await Promise.all([a(), b()]);
console.log('unreachable');
