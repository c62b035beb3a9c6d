// Not a library, and not in the benchmark's table: the least a channel that
// parks can do on the ping-pong workload, for issue 14's question of how near
// the floor an unbuffered hand-off can come. One channel is one slot for a
// parked receiver and one for a parked sender (enough for two tasks taking
// turns): no FIFO queue, no close, no select, no abort, no pacing. A receive
// that finds no sender parks on a new promise; a send that finds a parked
// receiver resolves it with Go's [v, ok] tuple, and the other way round.
// Run it by hand: `node bench/channel/child.mjs minimal ping-pong`.
export const meta = {
  package: 'minimal parking channel (reference)',
  form: 'two one-slot rendezvous channels: a parked side is one promise from a shared executor; a hand-off resolves it with `[v, true]`',
  reference: true,
};

export const unsupported = {
  producerConsumer: 'ping-pong only',
  forAwait: 'ping-pong only',
  fanIn: 'ping-pong only',
  manyToMany: 'ping-pong only',
};

const RESOLVED = Promise.resolve();
let captured;
function capture(resolve) {
  captured = resolve;
}
class Rendezvous {
  receiver = null;
  sender = null;
  value = undefined;
  send(v) {
    const r = this.receiver;
    if (r !== null) {
      this.receiver = null;
      r([v, true]);
      return RESOLVED;
    }
    const p = new Promise(capture);
    this.sender = captured;
    this.value = v;
    return p;
  }
  recv() {
    const s = this.sender;
    if (s !== null) {
      this.sender = null;
      const v = this.value;
      this.value = undefined;
      s(undefined);
      return Promise.resolve([v, true]);
    }
    const p = new Promise(capture);
    this.receiver = captured;
    return p;
  }
}
export async function pingPong({ roundTrips }) {
  const ping = new Rendezvous();
  const pong = new Rendezvous();
  const echo = (async () => {
    for (;;) {
      const [v] = await ping.recv();
      if (v === 0) break;
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
  await ping.send(0); // 0 is not a value of the workload: it stops the echo loop
  await echo;
  return { count, sum };
}
