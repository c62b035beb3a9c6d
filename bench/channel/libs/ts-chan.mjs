// ts-chan through its plain API: `await ch.send(v)`, `await ch.recv()` (an
// IteratorResult, `done` once closed and drained), `for await` over the Chan,
// and a `Select` built once and reused, as its README shows. Defaults kept:
// `unsafe` stays false, so its macrotask-yield mitigation is on.
import { Chan, Select, recv } from 'ts-chan';
import { block, combine, fourChannels } from '../workloads.mjs';

export const meta = {
  package: 'ts-chan',
  form: '`await ch.send(v)`; `const r = await ch.recv()` until `r.done`; `for await (const v of ch)`; one `new Select([recv(a), …])` reused: `await sel.wait()` then `sel.recv(sel.cases[i])`',
};

async function produce(ch, first, last) {
  for (let v = first; v <= last; v++) await ch.send(v);
}

async function consume(ch) {
  let count = 0;
  let sum = 0;
  for (;;) {
    const r = await ch.recv();
    if (r.done) break;
    count++;
    sum += r.value;
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
  const ping = new Chan(0);
  const pong = new Chan(0);
  const echo = (async () => {
    for (;;) {
      const r = await ping.recv();
      if (r.done) break;
      await pong.send(r.value);
    }
  })();
  let count = 0;
  let sum = 0;
  for (let v = 1; v <= roundTrips; v++) {
    await ping.send(v);
    const r = await pong.recv();
    count++;
    sum += r.value;
  }
  ping.close();
  await echo;
  return { count, sum };
}

export async function fanIn({ producers, perProducer }) {
  const total = producers * perProducer;
  const chans = Array.from({ length: producers }, () => new Chan(0));
  const senders = chans.map((ch, p) => {
    const { first, last } = block(p, producers, total);
    return produce(ch, first, last);
  });
  const [a, b, c, d] = fourChannels(chans);
  const sel = new Select([recv(a), recv(b), recv(c), recv(d)]);
  let count = 0;
  let sum = 0;
  while (count < total) {
    const i = await sel.wait();
    const r = sel.recv(sel.cases[i]);
    count++;
    sum += r.value;
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
