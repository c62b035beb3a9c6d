// @king011/easyts through its plain API, as its README writes it:
// `await ch.write(v)`, `const [v, ok] = await ch.readRaw()` until `!ok`
// (read and write return the value directly when they need not wait;
// awaiting covers both), `for await (const v of ch)`, and fresh read cases
// per iteration: `await selectChan(ca, cb, cc, cd)`, then `case.readRaw()`.
// Loaded from its CommonJS build `lib/es2022`: its ES-module build imports
// paths without extensions, which Node cannot load.
import easy from '@king011/easyts/lib/es2022/channel.js';
import { block, combine, fourChannels } from '../workloads.mjs';

const { Chan, selectChan } = easy;

export const meta = {
  package: '@king011/easyts',
  form: '`await ch.write(v)`; `const [v, ok] = await ch.readRaw()` until `!ok`; `for await (const v of ch)`; per message `a.readCase()`… then `await selectChan(ca, cb, cc, cd)` and `chosen.readRaw()`',
};

async function produce(ch, first, last) {
  for (let v = first; v <= last; v++) await ch.write(v);
}

async function consume(ch) {
  let count = 0;
  let sum = 0;
  for (;;) {
    const [v, ok] = await ch.readRaw();
    if (!ok) break;
    count++;
    sum += v;
  }
  return { count, sum };
}

export async function producerConsumer({ messages, capacity }) {
  const ch = new Chan(capacity);
  const producer = produce(ch, 1, messages).then(() => ch.close());
  const [, result] = await Promise.all([producer, consume(ch)]);
  return result;
}

export async function forAwait({ messages, capacity }) {
  const ch = new Chan(capacity);
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
  const ping = new Chan();
  const pong = new Chan();
  const echo = (async () => {
    for (;;) {
      const [v, ok] = await ping.readRaw();
      if (!ok) break;
      await pong.write(v);
    }
  })();
  let count = 0;
  let sum = 0;
  for (let v = 1; v <= roundTrips; v++) {
    await ping.write(v);
    const [back] = await pong.readRaw();
    count++;
    sum += back;
  }
  ping.close();
  await echo;
  return { count, sum };
}

export async function fanIn({ producers, perProducer }) {
  const total = producers * perProducer;
  const chans = Array.from({ length: producers }, () => new Chan());
  const senders = chans.map((ch, p) => {
    const { first, last } = block(p, producers, total);
    return produce(ch, first, last);
  });
  const [a, b, c, d] = fourChannels(chans);
  let count = 0;
  let sum = 0;
  while (count < total) {
    const chosen = await selectChan(a.readCase(), b.readCase(), c.readCase(), d.readCase());
    const [v] = chosen.readRaw();
    count++;
    sum += v;
  }
  await Promise.all(senders);
  return { count, sum };
}

export async function manyToMany({ producers, consumers, messages, capacity }) {
  const ch = new Chan(capacity);
  const senders = Array.from({ length: producers }, (_, p) => {
    const { first, last } = block(p, producers, messages);
    return produce(ch, first, last);
  });
  const closer = Promise.all(senders).then(() => ch.close());
  const results = await Promise.all(Array.from({ length: consumers }, () => consume(ch)));
  await closer;
  return combine(results);
}
