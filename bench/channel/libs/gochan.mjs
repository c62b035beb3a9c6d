// @gochan/channel through its plain API, the way a Go programmer writes the
// loop: `await ch.send(v)`, `const [v, ok] = await ch.recv()` until `!ok`,
// `for await (const v of ch)`, and a fresh `select([recv(a), …])` per
// iteration, like a select statement.
// CHANNEL_MODULE: the channel package built elsewhere (instructions.mjs counts a ref's build beside today's).
const { Channel, recv, select } = await import(process.env.CHANNEL_MODULE ?? '@gochan/channel');
import { block, combine, fourChannels } from '../workloads.mjs';

export const meta = {
  package: '@gochan/channel',
  form: '`await ch.send(v)`; `const [v, ok] = await ch.recv()` until `!ok`; `for await (const v of ch)`; `await select([recv(a), recv(b), recv(c), recv(d)])` per message',
};

async function produce(ch, first, last) {
  for (let v = first; v <= last; v++) await ch.send(v);
}

async function consume(ch) {
  let count = 0;
  let sum = 0;
  for (;;) {
    const [v, ok] = await ch.recv();
    if (!ok) break;
    count++;
    sum += v;
  }
  return { count, sum };
}

export async function producerConsumer({ messages, capacity }) {
  const ch = new Channel(capacity);
  const producer = produce(ch, 1, messages).then(() => ch.close());
  const [, result] = await Promise.all([producer, consume(ch)]);
  return result;
}

export async function forAwait({ messages, capacity }) {
  const ch = new Channel(capacity);
  const producer = produce(ch, 1, messages).then(() => ch.close());
  const consumer = (async () => {
    let count = 0;
    let sum = 0;
    for await (const v of ch) {
      count++;
      sum += v;
    }
    return { count, sum };
  })();
  const [, result] = await Promise.all([producer, consumer]);
  return result;
}

export async function pingPong({ roundTrips }) {
  const ping = new Channel();
  const pong = new Channel();
  const echo = (async () => {
    for (;;) {
      const [v, ok] = await ping.recv();
      if (!ok) break;
      await pong.send(v);
    }
  })();
  let count = 0;
  let sum = 0;
  for (let v = 1; v <= roundTrips; v++) {
    await ping.send(v);
    const [back] = await pong.recv();
    count++;
    sum += back;
  }
  ping.close();
  await echo;
  return { count, sum };
}

export async function fanIn({ producers, perProducer }) {
  const total = producers * perProducer;
  const chans = Array.from({ length: producers }, () => new Channel());
  const senders = chans.map((ch, p) => {
    const { first, last } = block(p, producers, total);
    return produce(ch, first, last);
  });
  const [a, b, c, d] = fourChannels(chans);
  let count = 0;
  let sum = 0;
  while (count < total) {
    const [, v] = await select([recv(a), recv(b), recv(c), recv(d)]);
    count++;
    sum += v;
  }
  await Promise.all(senders);
  return { count, sum };
}

export async function manyToMany({ producers, consumers, messages, capacity }) {
  const ch = new Channel(capacity);
  const senders = Array.from({ length: producers }, (_, p) => {
    const { first, last } = block(p, producers, messages);
    return produce(ch, first, last);
  });
  const closer = Promise.all(senders).then(() => ch.close());
  const results = await Promise.all(Array.from({ length: consumers }, () => consume(ch)));
  await closer;
  return combine(results);
}
