// The other side of a ping-pong: receives each ping, maybe sleeps (a
// positive entry of `sleeps`, in ms) or computes (a negative one, in 100,000
// rounds of a hash, no await), answers.
// At round `stopAt` it stops: `park` parks for ever on a channel of its
// own, `exit` ends its thread; `none` never stops.
import { Channel } from '@gochan/channel';
import { label } from '@gochan/testing';

export default async function pong(ping, pongs, sleeps, stop, stopAt) {
  for (let i = 0; ; i++) {
    const [n, ok] = await ping.recv();
    if (!ok) return i;
    if (i === stopAt && stop === 'park') await label(new Channel(), 'never').recv();
    if (i === stopAt && stop === 'exit') process.exit(9);
    const ms = sleeps[i % sleeps.length];
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    if (ms < 0) compute(-ms);
    await pongs.send(n + 1);
  }
}

function compute(hundredThousands) {
  let h = 2166136261;
  for (let i = 0; i < hundredThousands * 100_000; i++) h = Math.imul(h ^ i, 16777619) >>> 0;
  return h;
}
