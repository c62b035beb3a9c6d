// A smoke test of the built packages that any JavaScript runtime can run as
// plain ESM, with no test framework: `node|bun|deno run smoke.mjs`. It
// imports each package's dist/index.js by path, as a bundler or a runtime
// without node_modules resolution would, and checks the behaviours most
// likely to differ between runtimes: promise and timer scheduling (the
// channel's yield to the event loop), AbortSignal, and timers for deadlines.
// It ends with the line 'N passed, N failed' and exits 1 on any failure.
//
// Its arguments name the packages to load (scripts/test-runtimes.mjs passes
// every package not marked nodeOnly): each must load and export something,
// so a new package runs under every runtime from the day it is added.
const { Channel, ClosedChannelError, Ticker, Timer, after, recv, select, send, trySelect } = await import('../../packages/channel/dist/index.js');
const { Group, withContext } = await import('../../packages/errgroup/dist/index.js');
const { Mutex, RWMutex, Once } = await import('../../packages/sync/dist/index.js');
const { Weighted } = await import('../../packages/semaphore/dist/index.js');
const { WaitGroup } = await import('../../packages/waitgroup/dist/index.js');
const { background, withCancel, withTimeout, withValue, DeadlineExceeded, Canceled } = await import('../../packages/context/dist/index.js');
const { WorkerPool } = await import('../../packages/pool/dist/index.js');

const runtime = typeof Deno !== 'undefined' ? `deno ${Deno.version.deno}` : typeof Bun !== 'undefined' ? `bun ${Bun.version}` : `node ${process.version}`;
let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok || !detail ? '' : `: ${detail}`}`);
}
async function test(name, fn) {
  try {
    await fn((ok, detail) => check(name, ok, detail));
  } catch (error) {
    check(name, false, String(error?.stack ?? error));
  }
}

await test('unbuffered send waits for a receiver; range ends at close', async (ok) => {
  const ch = new Channel();
  let sent = false;
  const sending = ch.send(1).then(() => (sent = true));
  await new Promise((resolve) => setTimeout(resolve, 5));
  const waited = !sent;
  const got = [];
  const consumer = (async () => {
    for await (const v of ch) got.push(v);
  })();
  await sending;
  await ch.send(2);
  ch.close();
  await consumer;
  ok(waited && got.join() === '1,2', `waited=${waited} got=${got}`);
});

await test('close: buffered values first, then [undefined, false]; send rejects with Go\'s text', async (ok) => {
  const ch = new Channel(2);
  await ch.send('a');
  ch.close();
  const first = await ch.recv();
  const second = await ch.recv();
  const error = await ch.send('b').catch((e) => e);
  ok(first[0] === 'a' && first[1] === true && second[1] === false && error instanceof ClosedChannelError && error.message === 'send on closed channel');
});

await test('select picks among ready cases at random, and after() times out', async (ok) => {
  const a = new Channel(1000);
  const b = new Channel(1000);
  for (let i = 0; i < 1000; i++) {
    a.trySend(0);
    b.trySend(1);
  }
  let fromA = 0;
  for (let i = 0; i < 1000; i++) if ((await select([recv(a), recv(b)]))[0] === 0) fromA++;
  const [index] = await select([recv(new Channel()), recv(after(10))]);
  const polled = trySelect([send(new Channel(), 1)]);
  // 1000 fair coin flips: outside 380..620 has odds below one in 10^13.
  ok(fromA > 380 && fromA < 620 && index === 1 && polled === undefined, `fromA=${fromA} index=${index}`);
});

await test('an aborted receive rejects with the reason and takes nothing', async (ok) => {
  const ch = new Channel();
  const controller = new AbortController();
  const receiving = ch.recv(controller.signal);
  controller.abort('stop');
  const reason = await receiving.catch((e) => e);
  ok(reason === 'stop' && ch.trySend(1) === false);
});

await test('a 10 ms timer fires while a hot channel loop runs', async (ok) => {
  const ch = new Channel(128);
  const start = performance.now();
  let firedAt = Infinity;
  setTimeout(() => (firedAt = performance.now()), 10);
  const consumer = (async () => {
    let sum = 0;
    for await (const v of ch) sum += v;
    return sum;
  })();
  // At least 100k messages and at least 50 ms, so the loop outlasts the
  // timer however fast the runtime is: the timer must fire during it.
  let n = 0;
  while (n < 100_000 || performance.now() - start < 50) await ch.send(n++);
  ch.close();
  const sum = await consumer;
  const end = performance.now();
  ok(sum === (n * (n - 1)) / 2 && firedAt < end, `${n} messages in ${Math.round(end - start)} ms, timer at ${Math.round(firedAt - start)} ms`);
});

await test('WaitGroup: go() and wait()', async (ok) => {
  const wg = new WaitGroup();
  let done = 0;
  for (let i = 0; i < 3; i++) wg.go(async () => void (await new Promise((r) => setTimeout(r, 2)), done++));
  await wg.wait();
  let negative = '';
  try {
    wg.done();
  } catch (error) {
    negative = error.message;
  }
  ok(done === 3 && wg.count === 0 && negative === 'sync: negative WaitGroup counter');
});

await test('context: timeout, cancellation through the tree, signal, values', async (ok) => {
  const [parent, cancel] = withCancel(withValue(background(), 'k', 'v'));
  // Far longer than `late`'s: on a loaded machine a 20 ms deadline could pass first.
  const [child, cancelChild] = withTimeout(parent, 10_000);
  const [late, cancelLate] = withTimeout(background(), 10);
  await select([recv(late.done())]);
  const timedOut = late.err() === DeadlineExceeded && late.signal.reason === DeadlineExceeded;
  cancel();
  const cascaded = child.err() === Canceled && child.signal.aborted && child.value('k') === 'v';
  cancelChild();
  cancelLate();
  ok(timedOut && cascaded, `timedOut=${timedOut} cascaded=${cascaded}`);
});

await test('pool: run returns results, shutdown drains, submit refused after', async (ok) => {
  const pool = new WorkerPool({ workers: 2, handler: async (job) => job.payload * 2 });
  const results = await Promise.all([1, 2, 3].map((n) => pool.run({ id: String(n), payload: n })));
  const report = await pool.shutdown({ timeout: 1000 });
  const refused = await pool.submit({ id: 'x', payload: 0 }).then(() => false, () => true);
  ok(results.join() === '2,4,6' && !report.timedOut && report.stats.completed === 3 && refused);
});

await test('Ticker ticks and stops leaving no timer; Timer.stop takes back an unreceived value (Go 1.23)', async (ok) => {
  const start = Date.now();
  const ticker = new Ticker(5);
  await ticker.c.recv();
  const [second] = await ticker.c.recv();
  ticker.stop();
  await new Promise((resolve) => setTimeout(resolve, 15));
  const stale = ticker.c.tryRecv();
  const timer = new Timer(1);
  await new Promise((resolve) => setTimeout(resolve, 10));
  const stopped = timer.stop();
  // Ticks keep their schedule (a late one shortens the gap to the next), so
  // the second falls no earlier than two periods after the start.
  const at = second - start;
  ok(at >= 9 && stale === undefined && stopped === true && timer.c.tryRecv() === undefined, `second at ${at} ms, stale=${stale} stopped=${stopped}`);
});

await test('errgroup: the first error cancels the context and is what wait rejects with', async (ok) => {
  const [g, ctx] = withContext(background());
  const boom = new Error('boom');
  g.go(async () => {
    await new Promise((resolve) => setTimeout(resolve, 2));
    throw boom;
  });
  g.go(() => ctx.done().recv());
  const error = await g.wait().catch((e) => e);
  const limited = new Group();
  limited.setLimit(1);
  ok(error === boom && ctx.cause() === boom && limited.tryGo(() => undefined) && limited.tryGo(() => undefined));
});

await test('sync and semaphore: one mutex holder at a time, FIFO; a waiting writer holds back readers; weights bounded', async (ok) => {
  const mu = new Mutex();
  let inside = 0;
  let overlap = false;
  await Promise.all(
    Array.from({ length: 5 }, async () => {
      await mu.lock();
      overlap ||= ++inside > 1;
      await new Promise((resolve) => setTimeout(resolve, 1));
      inside--;
      mu.unlock();
    }),
  );
  const rw = new RWMutex();
  await rw.rLock();
  void rw.lock();
  const heldBack = !rw.tryRLock();
  const sem = new Weighted(3);
  await sem.acquire(2);
  const tooMuch = sem.tryAcquire(2);
  let runs = 0;
  const once = new Once();
  await Promise.all([once.do(() => runs++), once.do(() => runs++)]);
  ok(!overlap && heldBack && !tooMuch && runs === 1, `overlap=${overlap} heldBack=${heldBack} tooMuch=${tooMuch} runs=${runs}`);
});

const names = typeof Deno !== 'undefined' ? Deno.args : process.argv.slice(2);

// @gochan/threads: goroutines on the runtime's node:worker_threads (Node,
// Bun and Deno all take that host: packages/threads/src/hosts.ts says why).
if (names.includes('threads')) {
  const { GOMAXPROCS, ThreadExitError, close, go } = await import('../../packages/threads/dist/index.js');
  const goroutine = (name) => new URL(`../../packages/threads/test-goroutines/${name}.mjs`, import.meta.url);

  await test('threads: go() runs a module on a thread and returns its result; GOMAXPROCS is the CPU count', async (ok) => {
    const sum = await go(goroutine('add'), 2, 3);
    const procs = GOMAXPROCS();
    ok(sum === 5 && Number.isInteger(procs) && procs >= 1, `sum=${sum} procs=${procs}`);
  });

  await test('threads: an unbuffered send to a goroutine resolves only once it has received; close ends its range', async (ok) => {
    const gate = new Channel();
    const input = new Channel();
    const receiving = go(goroutine('receive-after'), gate, input);
    let sent = false;
    const sending = input.send(41).then(() => (sent = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const waited = !sent; // the goroutine waits on the gate: nobody receives yet
    await gate.send();
    await sending;
    const received = await receiving;
    const values = new Channel();
    const draining = go(goroutine('drain'), values);
    for (let i = 0; i < 5; i++) await values.send(i);
    values.close();
    const drained = await draining;
    ok(
      waited && received.value === 41 && received.ok && drained.got.join() === '0,1,2,3,4' && drained.ok === false,
      `waited=${waited} received=${JSON.stringify(received)} drained=${JSON.stringify(drained)}`,
    );
  });

  await test('threads: a select on a thread over two channels of this one runs one case per value', async (ok) => {
    const a = new Channel();
    const b = new Channel();
    const selecting = go(goroutine('select-two'), a, b, 4);
    await a.send('a1');
    await b.send('b1');
    await b.send('b2');
    await a.send('a2');
    const ran = await selecting;
    ok(JSON.stringify(ran) === '[[0,"a1"],[1,"b1"],[1,"b2"],[0,"a2"]]', JSON.stringify(ran));
  });

  // Deno prints a thread's uncaught error itself, even when the pool handles it.
  if (typeof Deno !== 'undefined') console.log('(the next test kills a thread with "Error: boom in a timer": Deno prints it below)');
  await test('threads: a thread that dies fails its goroutine with a ThreadExitError naming the cause, and is replaced', async (ok) => {
    const died = await go(goroutine('uncaught'), 'boom in a timer').catch((error) => error);
    const exited = await go(goroutine('exit'), 7).catch((error) => error);
    const after = await go(goroutine('add'), 1, 1);
    ok(
      died instanceof ThreadExitError && /uncaught Error: boom in a timer/.test(died.message) &&
        exited instanceof ThreadExitError && exited.exitCode === 7 && after === 2,
      `died=${died?.message} exited=${exited?.message} after=${after}`,
    );
  });

  await close();

  if (typeof Deno !== 'undefined') {
    await test('threads: without read permission, Deno refuses the thread and go() rejects naming --allow-read', async (ok) => {
      await Deno.permissions.revoke({ name: 'read' });
      const error = await go(goroutine('add'), 1, 2).catch((e) => e);
      ok(error instanceof Error && /--allow-read/.test(error.message), String(error?.message ?? error));
    });
  }
}
for (const name of names) {
  await test(`@gochan/${name} loads and exports something`, async (ok) => {
    const exports = await import(`../../packages/${name}/dist/index.js`);
    ok(Object.keys(exports).length > 0);
  });
}
check('the runner named the packages to load', names.length > 0);

console.log(`${runtime}: ${passed} passed, ${failed} failed`);
if (failed > 0) {
  if (typeof Deno !== 'undefined') Deno.exit(1);
  else process.exit(1);
}
