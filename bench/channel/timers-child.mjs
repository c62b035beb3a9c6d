// One timer workload in a fresh process, for callgrind (timers.mjs):
//   node timers-child.mjs <workload> <live> <n>
// `live` timers (or tickers) are pending for the whole run, due in an hour,
// so the heap holds them; then the workload runs n times (tick-delivery:
// `live` tickers of 1 ms until n ticks are received). Every run checks
// what it computed and that, once everything is stopped, no Node timer is
// left. CHANNEL_MODULE: a channel build to load instead of the workspace's.
const { Channel, Ticker, Timer, recv, select } = await import(process.env.CHANNEL_MODULE ?? '@gochan/channel');

const [workload, liveArg, nArg] = process.argv.slice(2);
const live = Number(liveArg);
const n = Number(nArg);
const HOUR = 3_600_000;

const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const fail = (why) => {
  throw new Error(`${workload} ${live} ${n}: ${why}`);
};

const kept = [];
if (workload !== 'tick-delivery') for (let i = 0; i < live; i++) kept.push(workload === 'ticker-cycle' ? new Ticker(HOUR + i) : new Timer(HOUR + i));

const runs = {
  // A Timer's life as a select loop's timeout often is: make, reset, stop.
  'timer-cycle': () => {
    let stopped = 0;
    for (let i = 0; i < n; i++) {
      const t = new Timer(1000);
      t.reset(500);
      if (t.stop()) stopped++;
    }
    if (stopped !== n) fail(`${stopped} stops reported a pending timer, of ${n}`);
  },
  // bench/sync's "ticker: make, reset, stop".
  'ticker-cycle': () => {
    for (let i = 0; i < n; i++) {
      const t = new Ticker(1000);
      t.reset(500);
      t.stop();
    }
  },
  // A receive bounded by a timeout that does not expire: the value is there first.
  'select-timeout': async () => {
    const ch = new Channel(1);
    let sum = 0;
    for (let i = 1; i <= n; i++) {
      ch.trySend(i);
      const t = new Timer(1000);
      const [which, value] = await select([recv(ch), recv(t.c)]);
      t.stop();
      if (which !== 0) fail(`the timeout won at ${i}`);
      sum += value;
    }
    if (sum !== (n * (n + 1)) / 2) fail(`received a sum of ${sum}`);
  },
  // bench/sync's "1000 tickers of 1 ms": `live` tickers of 1 ms, a receiver
  // each, until n ticks have been received in all (n = 0: made and stopped).
  'tick-delivery': async () => {
    const tickers = Array.from({ length: live }, () => new Ticker(1));
    let received = 0;
    let done;
    const all = new Promise((resolve) => (done = resolve));
    if (n === 0) done();
    for (const t of tickers) {
      void (async () => {
        while (received < n) {
          await t.c.recv();
          if (++received === n) done();
        }
      })();
    }
    await all;
    for (const t of tickers) t.stop();
    if (received < n) fail(`received ${received} ticks`);
  },
};
if (!runs[workload]) fail('no such workload');
await runs[workload]();
for (const t of kept) t.stop();
if (timeouts() !== 0) fail(`${timeouts()} Node timers left after every timer was stopped`);
