// The five workloads of issue 2's "Speed" section. Each names the adapter
// method that runs it, the parameters every library gets, how many messages
// the run moves (for the rate), and the count and sum the receiving side must
// report. The values sent are exactly 1..total, spread over the producers, so
// the expected sum is total·(total+1)/2 whatever the interleaving, and a lost,
// duplicated or invented value changes the count or the sum.

/** Sum of 1..n; exact in a double up to n ≈ 1.3e8. */
const triangle = (n) => (n * (n + 1)) / 2;

/**
 * @typedef {object} Workload
 * @property {string} id        short key, used on the command line and in the JSON
 * @property {string} title     one line for the results table
 * @property {string} method    the adapter method that runs it
 * @property {string} unit      what the rate counts
 * @property {object} params    handed to the adapter method as is
 * @property {number} messages  messages (or round trips) one run moves
 * @property {{count: number, sum: number}} expect  what the receivers must report (derived from `messages`)
 * @property {boolean} [timer]  set the 10 ms probe timer beside this workload
 */

/** @type {Omit<Workload, 'expect'>[]} */
const table = [
  {
    id: 'recv',
    title: '1. one producer → one consumer, capacity 128, 1M messages, `recv` loop',
    method: 'producerConsumer',
    unit: 'msg/s',
    params: { messages: 1_000_000, capacity: 128 },
    messages: 1_000_000,
    timer: true,
  },
  {
    id: 'for-await',
    title: '1b. the same with `for await`',
    method: 'forAwait',
    unit: 'msg/s',
    params: { messages: 1_000_000, capacity: 128 },
    messages: 1_000_000,
  },
  {
    id: 'ping-pong',
    title: '2. unbuffered ping-pong, 100k round trips',
    method: 'pingPong',
    unit: 'round trips/s',
    params: { roundTrips: 100_000 },
    messages: 100_000,
  },
  {
    id: 'fan-in',
    title: '3. `select` fan-in, 4 producers × 100k over unbuffered channels',
    method: 'fanIn',
    unit: 'msg/s',
    params: { producers: 4, perProducer: 100_000 },
    messages: 400_000,
  },
  {
    id: 'many-to-many',
    title: '4. 8 producers × 8 consumers, capacity 64, 1M messages',
    method: 'manyToMany',
    unit: 'msg/s',
    params: { producers: 8, consumers: 8, messages: 1_000_000, capacity: 64 },
    messages: 1_000_000,
  },
];

/**
 * The workloads with what their receivers must report: exactly the values
 * 1..messages, once each.
 * @type {Workload[]}
 */
export const workloads = table.map((w) => ({ ...w, expect: { count: w.messages, sum: triangle(w.messages) } }));

/** The 10 ms timer set at the start of the timed workload. */
export const TIMER_MS = 10;

/**
 * The values producer `p` of `producers` sends when `total` values are split
 * evenly: the contiguous block p·per+1 .. (p+1)·per. Adapters use this so that
 * every library sends the same values.
 */
export function block(p, producers, total) {
  const per = total / producers;
  if (!Number.isInteger(per)) throw new Error(`${total} messages do not split over ${producers} producers`);
  return { first: p * per + 1, last: (p + 1) * per };
}

/** Adds up the `{count, sum}` that several consumers report. */
export function combine(results) {
  let count = 0;
  let sum = 0;
  for (const r of results) {
    count += r.count;
    sum += r.sum;
  }
  return { count, sum };
}

/**
 * The fan-in loops are written as a user writes a select statement, with one
 * literal case per channel; this checks the workload still has the four
 * channels those loops name.
 */
export function fourChannels(chans) {
  if (chans.length !== 4) throw new Error(`the fan-in loops name 4 channels, got ${chans.length}`);
  return chans;
}
