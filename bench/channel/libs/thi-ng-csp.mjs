// @thi.ng/csp through its plain API: `await ch.write(v)`, `await ch.read()`
// (which gives `undefined` once closed and drained), `for await` over the
// channel, and `select(a, b, c, d)`, which gives `[value, channel]` and
// can only receive.
//
// It has no capacity 0: `channel()` holds one value, and every `write`
// resolves only once a reader has taken its value, so `channel()` is its
// unbuffered channel (and a producer that awaits each write into a buffered
// channel also waits for the reader, by this library's design).
import { channel, select } from '@thi.ng/csp';
import { block, combine, fourChannels } from '../workloads.mjs';

export const meta = {
  package: '@thi.ng/csp',
  form: '`await ch.write(v)`; `const v = await ch.read()` until `undefined`; `for await (const v of ch)`; `const [v] = await select(a, b, c, d)`; `channel()` as the unbuffered channel (it has no capacity 0, and `write` resolves only when read)',
};

async function produce(ch, first, last) {
  for (let v = first; v <= last; v++) await ch.write(v);
}

async function consume(ch) {
  let count = 0;
  let sum = 0;
  for (;;) {
    const v = await ch.read();
    if (v === undefined) break;
    count++;
    sum += v;
  }
  return { count, sum };
}

export async function producerConsumer({ messages, capacity }) {
  const ch = channel(capacity);
  const producer = produce(ch, 1, messages).then(() => ch.close());
  const [, result] = await Promise.all([producer, consume(ch)]);
  return result;
}

export async function forAwait({ messages, capacity }) {
  const ch = channel(capacity);
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
  const ping = channel();
  const pong = channel();
  const echo = (async () => {
    for (;;) {
      const v = await ping.read();
      if (v === undefined) break;
      await pong.write(v);
    }
  })();
  let count = 0;
  let sum = 0;
  for (let v = 1; v <= roundTrips; v++) {
    await ping.write(v);
    const back = await pong.read();
    count++;
    sum += back;
  }
  ping.close();
  await echo;
  return { count, sum };
}

export async function fanIn({ producers, perProducer }) {
  const total = producers * perProducer;
  const chans = Array.from({ length: producers }, () => channel());
  const senders = chans.map((ch, p) => {
    const { first, last } = block(p, producers, total);
    return produce(ch, first, last);
  });
  const [a, b, c, d] = fourChannels(chans);
  let count = 0;
  let sum = 0;
  while (count < total) {
    const [v] = await select(a, b, c, d);
    count++;
    sum += v;
  }
  await Promise.all(senders);
  return { count, sum };
}

export async function manyToMany({ producers, consumers, messages, capacity }) {
  const ch = channel(capacity);
  const senders = Array.from({ length: producers }, (_, p) => {
    const { first, last } = block(p, producers, messages);
    return produce(ch, first, last);
  });
  const closer = Promise.all(senders).then(() => ch.close());
  const results = await Promise.all(Array.from({ length: consumers }, () => consume(ch)));
  await closer;
  return combine(results);
}
