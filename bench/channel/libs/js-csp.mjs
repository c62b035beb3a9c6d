// js-csp in its idiomatic form: processes are generators started with
// `csp.go`, and every channel operation is `yield`ed: `yield csp.put(ch, v)`,
// `yield csp.take(ch)` (which gives `csp.CLOSED` once closed and drained),
// `yield csp.alts([a, b, c, d])`. `csp.go` returns a channel that receives the
// generator's return value; `csp.takeAsync` hands that to the benchmark.
// js-csp has no async iterator, so it sits out the `for await` workload.
import csp from 'js-csp';
import { block, combine, fourChannels } from '../workloads.mjs';

export const meta = {
  package: 'js-csp',
  form: 'generators under `csp.go`: `yield csp.put(ch, v)`; `const v = yield csp.take(ch)` until `csp.CLOSED`; `const { value } = yield csp.alts([a, b, c, d])`',
};

export const unsupported = { forAwait: 'no async iterator' };

/** The value a process returns, as a promise. */
const result = (process) => new Promise((resolve) => csp.takeAsync(process, resolve));

function* produce(ch, first, last) {
  for (let v = first; v <= last; v++) yield csp.put(ch, v);
}

function* consume(ch) {
  let count = 0;
  let sum = 0;
  for (;;) {
    const v = yield csp.take(ch);
    if (v === csp.CLOSED) break;
    count++;
    sum += v;
  }
  return { count, sum };
}

export function producerConsumer({ messages, capacity }) {
  const ch = csp.chan(capacity);
  csp.go(function* () {
    yield* produce(ch, 1, messages);
    ch.close();
  });
  return result(csp.go(consume, [ch]));
}

export function pingPong({ roundTrips }) {
  const ping = csp.chan();
  const pong = csp.chan();
  csp.go(function* () {
    for (;;) {
      const v = yield csp.take(ping);
      if (v === csp.CLOSED) break;
      yield csp.put(pong, v);
    }
  });
  return result(
    csp.go(function* () {
      let count = 0;
      let sum = 0;
      for (let v = 1; v <= roundTrips; v++) {
        yield csp.put(ping, v);
        const back = yield csp.take(pong);
        count++;
        sum += back;
      }
      ping.close();
      return { count, sum };
    }),
  );
}

export function fanIn({ producers, perProducer }) {
  const total = producers * perProducer;
  const chans = Array.from({ length: producers }, () => csp.chan());
  chans.forEach((ch, p) => {
    const { first, last } = block(p, producers, total);
    csp.go(produce, [ch, first, last]);
  });
  const [a, b, c, d] = fourChannels(chans);
  return result(
    csp.go(function* () {
      let count = 0;
      let sum = 0;
      while (count < total) {
        const { value } = yield csp.alts([a, b, c, d]);
        count++;
        sum += value;
      }
      return { count, sum };
    }),
  );
}

export function manyToMany({ producers, consumers, messages, capacity }) {
  const ch = csp.chan(capacity);
  const senders = Array.from({ length: producers }, (_, p) => {
    const { first, last } = block(p, producers, messages);
    return csp.go(produce, [ch, first, last]);
  });
  // Close once every producer has finished: a process's channel closes when
  // its generator returns nothing.
  csp.go(function* () {
    for (const done of senders) yield csp.take(done);
    ch.close();
  });
  const receivers = Array.from({ length: consumers }, () => result(csp.go(consume, [ch])));
  return Promise.all(receivers).then(combine);
}
