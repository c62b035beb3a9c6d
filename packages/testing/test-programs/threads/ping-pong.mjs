// An unbuffered ping-pong between main and a goroutine on a thread, with
// sleeps or computations on both sides. argv: rounds, the sleeps in ms
// ("0,3,-20,1": a negative one computes, 100,000 hash rounds each), and how
// the goroutine stops: "none", "park@k" (it parks for ever at round k) or
// "exit@k" (its thread exits at round k). Every round passes through
// moments where one side waits on the other, none of them a deadlock; once
// the goroutine has stopped, main waits for a pong that cannot come.
import { Channel } from '@gochan/channel';
import { label, watchDeadlocks } from '@gochan/testing';
import { go } from '@gochan/threads';

watchDeadlocks();
const rounds = Number(process.argv[2] ?? 50);
const sleeps = (process.argv[3] ?? '0').split(',').map(Number);
const [stop, at] = (process.argv[4] ?? 'none').split('@');
const ping = label(new Channel(), 'ping');
const pong = label(new Channel(), 'pong');
const done = go(new URL('./goroutines/pong.mjs', import.meta.url), ping, pong, sleeps, stop, Number(at ?? -1)).catch((error) => error.name);
let n = 0;
for (let i = 0; i < rounds; i++) {
  await ping.send(n);
  n = (await pong.recv())[0];
  const ms = sleeps[(i + 1) % sleeps.length];
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  if (ms < 0) for (let k = 0, h = 1; k < -ms * 100_000; k++) h = Math.imul(h ^ k, 16777619) >>> 0;
}
ping.close();
console.log(`n ${n} rounds ${await done}`);
