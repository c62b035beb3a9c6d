// The hand-off's floor (pool-child.mjs `noop lanes`): what a lane of the
// threaded pool's hand-off does on its thread, with no pool around it. Asks
// for the next job before sending this one's outcome, as the pool's runner
// does (packages/pool/src/thread-runner.ts), and sends [true, payload] back.
export default async function lane(jobs, results) {
  let next = jobs.recv();
  for (;;) {
    const [item, ok] = await next;
    if (!ok) return;
    next = jobs.recv();
    await results.send([true, item[1]]);
  }
}
