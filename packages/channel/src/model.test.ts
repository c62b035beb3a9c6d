// Random programs of sends, receives, selects, ranges, closes and aborts over
// a few channels, run by several tasks interleaved by fast-check's scheduler,
// and checked against what Go's channels guarantee.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Channel } from './channel.js';
import { ClosedChannelError } from './errors.js';
import { recv, select, send, trySelect, type Case } from './select.js';
import { checkInvariants, waiterCount } from './test-invariants.js';

type CaseSpec = { dir: 'recv' | 'send'; ch: number } | null;
type Op =
  | { kind: 'send' | 'recv'; ch: number; abort: number | null }
  | { kind: 'trySend' | 'tryRecv' | 'close'; ch: number }
  | { kind: 'select'; cases: CaseSpec[]; abort: number | null; poll: boolean }
  | { kind: 'range'; ch: number; take: number }
  | { kind: 'abort'; controller: number };

const CONTROLLERS = 2;

function programArbitrary(): fc.Arbitrary<{ capacities: number[]; actors: Op[][] }> {
  return fc.integer({ min: 1, max: 3 }).chain((channels) => {
    const ch = fc.nat(channels - 1);
    const abort = fc.option(fc.nat(CONTROLLERS - 1), { freq: 3 });
    const caseSpec: fc.Arbitrary<CaseSpec> = fc.option(fc.record({ dir: fc.constantFrom('recv' as const, 'send' as const), ch }), {
      freq: 6,
    });
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('send' as const, 'recv' as const), ch, abort }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('trySend' as const, 'tryRecv' as const), ch }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), ch }) },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('select' as const),
          // At least one real case, so that a select never waits forever.
          cases: fc.array(caseSpec, { minLength: 1, maxLength: 4 }).filter((cs) => cs.some((c) => c !== null)),
          abort,
          poll: fc.boolean(),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('range' as const), ch, take: fc.integer({ min: 1, max: 3 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), controller: fc.nat(CONTROLLERS - 1) }) },
    );
    return fc.record({
      capacities: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: channels, maxLength: channels }),
      actors: fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 2, maxLength: 4 }),
    });
  });
}

const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function runProgram(program: { capacities: number[]; actors: Op[][] }, s: fc.Scheduler): Promise<void> {
  const channels = program.capacities.map((c) => new Channel<string>(c));
  const reasons = Array.from({ length: CONTROLLERS }, (_, k) => new Error(`abort ${k}`));
  const controllers = reasons.map(() => new AbortController());
  const signalOf = (k: number | null) => (k === null ? undefined : (controllers[k] as AbortController).signal);

  /** Values whose send happened, and values whose send did not (rejected, withdrawn, lost the select). */
  const sentOk = new Set<string>();
  const sentNot = new Set<string>();
  /** Who received each value: a value may be received once. */
  const receivedBy = new Map<string, string>();
  /** Per receiver and channel, the values in the order received. */
  const streams = new Map<string, string[]>();

  const received = (receiver: string, ch: number, value: string) => {
    expect(receivedBy.has(value), `value ${value} received twice`).toBe(false);
    receivedBy.set(value, receiver);
    const key = `${receiver}@${ch}`;
    streams.set(key, [...(streams.get(key) ?? []), value]);
  };
  const checkAll = () => channels.forEach(checkInvariants);
  /** A rejection must be a send on a closed channel or the reason of an abort we made. */
  const expectedRejection = (error: unknown, mayBeClosed: boolean, abort: number | null) => {
    if (mayBeClosed && error instanceof ClosedChannelError && error.message === 'send on closed channel') return;
    if (abort !== null && error === reasons[abort]) return;
    throw error;
  };

  const actor = async (a: number, ops: Op[]) => {
    let seq = 0;
    const fresh = () => `${a}.${seq++}`;
    /** Channels this actor has seen closed and drained: no value may follow. */
    const drainedSeen = new Set<number>();
    const gotRecv = (ch: number, r: [string, true] | [undefined, false]) => {
      if (r[1]) {
        expect(drainedSeen.has(ch), `a value on channel ${ch} after it was seen closed and drained`).toBe(false);
        received(`actor ${a}`, ch, r[0]);
      } else {
        expect(channels[ch]?.closed).toBe(true);
        drainedSeen.add(ch);
      }
    };
    for (const op of ops) {
      await s.schedule(Promise.resolve(), `actor ${a}: ${JSON.stringify(op)}`);
      checkAll();
      switch (op.kind) {
        case 'send': {
          const value = fresh();
          const ch = channels[op.ch] as Channel<string>;
          const wasClosed = ch.closed;
          try {
            await ch.send(value, signalOf(op.abort));
            expect(wasClosed, 'a send on a closed channel succeeded').toBe(false);
            sentOk.add(value);
          } catch (error) {
            expectedRejection(error, true, op.abort);
            sentNot.add(value);
          }
          break;
        }
        case 'recv': {
          try {
            gotRecv(op.ch, await (channels[op.ch] as Channel<string>).recv(signalOf(op.abort)));
          } catch (error) {
            expectedRejection(error, false, op.abort);
          }
          break;
        }
        case 'trySend': {
          const value = fresh();
          const ch = channels[op.ch] as Channel<string>;
          const wasClosed = ch.closed;
          try {
            (ch.trySend(value) ? sentOk : sentNot).add(value);
            expect(wasClosed).toBe(false);
          } catch (error) {
            expect(wasClosed).toBe(true);
            expectedRejection(error, true, null);
            sentNot.add(value);
          }
          break;
        }
        case 'tryRecv': {
          const r = (channels[op.ch] as Channel<string>).tryRecv();
          if (r !== undefined) gotRecv(op.ch, r);
          break;
        }
        case 'close': {
          const ch = channels[op.ch] as Channel<string>;
          const wasClosed = ch.closed;
          try {
            ch.close();
            expect(wasClosed).toBe(false);
          } catch (error) {
            expect(wasClosed).toBe(true);
            expect(error).toEqual(new ClosedChannelError('close of closed channel'));
          }
          break;
        }
        case 'abort':
          (controllers[op.controller] as AbortController).abort(reasons[op.controller]);
          break;
        case 'range': {
          let taken = 0;
          for await (const v of channels[op.ch] as Channel<string>) {
            received(`actor ${a}`, op.ch, v);
            if (++taken >= op.take) break;
          }
          break;
        }
        case 'select': {
          const values = op.cases.map((c) => (c?.dir === 'send' ? fresh() : undefined));
          const cases: Case[] = op.cases.map((c, i) =>
            c === null
              ? null
              : c.dir === 'recv'
                ? recv(channels[c.ch] as Channel<string>)
                : send(channels[c.ch] as Channel<string>, values[i] as string),
          );
          let result: [number, unknown, boolean] | undefined;
          try {
            result = op.poll ? trySelect(cases) : await select(cases, signalOf(op.abort));
          } catch (error) {
            expectedRejection(error, true, op.poll ? null : op.abort);
          }
          // Exactly one case ran: the winner's send happened, every other send did not.
          values.forEach((v, i) => v !== undefined && (result?.[0] === i ? sentOk : sentNot).add(v));
          if (result !== undefined) {
            const [index, value, ok] = result;
            const spec = op.cases[index];
            expect(spec, `select chose a null case ${index}`).toBeTruthy();
            if (spec?.dir === 'send') expect([value, ok]).toEqual([undefined, true]);
            else gotRecv((spec as { ch: number }).ch, [value, ok] as [string, true] | [undefined, false]);
          }
          break;
        }
      }
      checkAll();
    }
  };

  let finished = 0;
  const failures: unknown[] = [];
  const tasks = program.actors.map((ops, a) =>
    actor(a, ops).then(
      () => void finished++,
      (error: unknown) => void (finished++, failures.push(error)),
    ),
  );
  await s.waitAll();
  // Tasks left waiting on one another (a deadlock, in Go) are released by
  // closing every channel: receivers end, senders reject; then they run on.
  for (const ch of channels) if (!ch.closed) ch.close();
  for (let round = 0; finished < tasks.length; round++) {
    if (round > 1_000) throw new Error('some tasks never finished');
    await s.waitAll();
    await macrotask();
  }
  if (failures.length > 0) throw failures[0];

  channels.forEach((ch, i) => {
    for (let r = ch.tryRecv(); r !== undefined && r[1]; r = ch.tryRecv()) received('drain', i, r[0]);
    checkInvariants(ch);
    expect(waiterCount(ch), 'a waiter was left behind').toEqual({ recv: 0, send: 0 });
  });

  // Nothing lost, nothing duplicated, nothing invented.
  for (const v of sentOk) expect(receivedBy.has(v), `value ${v} was sent but never received`).toBe(true);
  for (const v of receivedBy.keys()) expect(sentOk.has(v), `value ${v} was received but its send did not happen`).toBe(true);
  for (const v of sentNot) expect(sentOk.has(v)).toBe(false);
  // Per sender, each receiver sees one channel's values in the order they were sent.
  for (const [key, values] of streams) {
    const lastSeqOf = new Map<string, number>();
    for (const v of values) {
      const [sender, seq] = v.split('.') as [string, string];
      expect(Number(seq), `${key} got ${sender}'s values out of order: ${values}`).toBeGreaterThan(lastSeqOf.get(sender) ?? -1);
      lastSeqOf.set(sender, Number(seq));
    }
  }
}

describe('channels under random interleavings (fast-check scheduler)', () => {
  it('lose, duplicate or reorder no value; run exactly one select case; keep close and abort semantics; leave no waiter', async () => {
    await fc.assert(
      fc.asyncProperty(programArbitrary(), fc.scheduler(), async (program, s) => runProgram(program, s)),
      { numRuns: 300 },
    );
  });
});
