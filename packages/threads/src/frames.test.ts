import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Batch, pack, unpack } from './frames.js';
import type { Message, WireCase } from './protocol.js';

const id = fc.integer({ min: -1, max: 255 });
const op = fc.nat();
const value = fc.oneof(fc.constant(undefined), fc.integer(), fc.string(), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }));
const wireError = fc.record({ name: fc.string(), message: fc.string(), stack: fc.string() });
const wireCase: fc.Arbitrary<WireCase> = fc.oneof(fc.tuple(fc.nat(), fc.nat()), fc.tuple(fc.nat(), fc.nat(), value));
const message: fc.Arbitrary<Message> = fc.oneof(
  // A claim's generation means something only with its slot: a select with no shared claim (slot -1) sends 0 (requests.ts).
  fc
    .record({ t: fc.constant('sel' as const), to: id, from: id, op, slot: fc.integer({ min: -1, max: 8191 }), gen: fc.nat(), cases: fc.array(wireCase, { minLength: 1, maxLength: 4 }) })
    .map((m) => (m.slot < 0 ? { ...m, gen: 0 } : m)),
  fc.record({ t: fc.constant('done' as const), to: id, op, i: fc.option(fc.nat(), { nil: undefined }), ok: fc.option(fc.boolean(), { nil: undefined }), v: value, e: fc.option(wireError, { nil: undefined }) }),
  fc.record({ t: fc.constant('unsel' as const), to: id, from: id, op }),
  fc.record({ t: fc.constant('close' as const), to: id, from: id, op, channel: fc.nat() }),
  fc.record({ t: fc.constant('go' as const), to: id, from: id, op, url: fc.webUrl(), args: fc.array(value, { maxLength: 3 }) }),
  fc.record({ t: fc.constant('ret' as const), to: id, op, v: value, e: fc.option(wireError, { nil: undefined }) }),
  fc.record({ t: fc.constant('cancel' as const), to: id, home: id, id: fc.nat(), cause: value, deadline: fc.boolean() }),
  fc.record({ t: fc.constant('died' as const), to: id, thread: id, reason: wireError }),
  fc.record({ t: fc.constant('idle' as const), to: id, from: id, seen: fc.nat() }),
  fc.record({ t: fc.constant('watch' as const), to: id, entry: fc.option(fc.webUrl(), { nil: null }) }),
);

/** A message as the reader sees it: absent optional fields and undefined ones are the same. */
function normal(m: Message): unknown {
  return JSON.parse(JSON.stringify(m, (_, v: unknown) => (v === undefined ? '<undefined>' : v)), (_, v: unknown) => (v === '<undefined>' ? undefined : v));
}

describe('frames', () => {
  test('a batch of any messages reads back as the same messages, in order, after a structured clone', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 20 }), (messages) => {
        const batch = new Batch();
        for (const m of messages) pack(m, batch);
        const read: Message[] = [];
        unpack(structuredClone(batch.take()), (m) => read.push(m));
        expect(read.map(normal)).toEqual(messages.map(normal));
      }),
    );
  });

  test('a dump request carries its SharedArrayBuffer shared: what the thread writes there, the requester reads', () => {
    const buf = new SharedArrayBuffer(8);
    const batch = new Batch();
    pack({ t: 'dump', to: 1, from: 0, ms: 100, buf }, batch);
    const read: Message[] = [];
    unpack(structuredClone(batch.take()), (m) => read.push(m));
    expect(read).toMatchObject([{ t: 'dump', to: 1, from: 0, ms: 100 }]);
    new Int32Array((read[0] as Extract<Message, { t: 'dump' }>).buf)[0] = 7;
    expect(new Int32Array(buf)[0]).toBe(7);
  });

  test('the messages of a channel operation across threads travel in their compact forms', () => {
    const batch = new Batch();
    pack({ t: 'sel', to: 0, from: 1, op: 7, slot: -1, gen: 0, cases: [[0, 3]] }, batch);
    expect(batch.n).toBe(6);
    pack({ t: 'sel', to: 0, from: 1, op: 8, slot: -1, gen: 0, cases: [[0, 4, 'v']] }, batch);
    expect(batch.n).toBe(13);
    pack({ t: 'done', to: 1, op: 7, i: 0, ok: true, v: 42 }, batch);
    expect(batch.n).toBe(18);
    pack({ t: 'done', to: 1, op: 8, i: 0, ok: false, v: undefined }, batch); // a receive that found the channel closed: the full form
    expect(batch.n).toBe(25);
    const read: Message[] = [];
    unpack(structuredClone(batch.take()), (m) => read.push(m));
    expect(read.map(normal)).toEqual(
      [
        { t: 'sel', to: 0, from: 1, op: 7, slot: -1, gen: 0, cases: [[0, 3]] },
        { t: 'sel', to: 0, from: 1, op: 8, slot: -1, gen: 0, cases: [[0, 4, 'v']] },
        { t: 'done', to: 1, op: 7, i: 0, ok: true, v: 42, e: undefined },
        { t: 'done', to: 1, op: 8, i: 0, ok: false, v: undefined, e: undefined },
      ].map((m) => normal(m as Message)),
    );
  });

  test('a batch written turn after turn sends each turn its own fields alone, and keeps no value of an earlier one', () => {
    const batch = new Batch();
    const payload = { big: 'x'.repeat(100) };
    pack({ t: 'sel', to: 0, from: 1, op: 1, slot: 3, gen: 9, cases: [[0, 3, payload], [1, 4]] }, batch);
    expect(batch.take()).toHaveLength(14);
    pack({ t: 'unsel', to: 0, from: 1, op: 1 }, batch);
    const second = batch.take();
    expect(second).toHaveLength(4);
    expect(batch.items).not.toContain(payload);
    const read: Message[] = [];
    unpack(second, (m) => read.push(m));
    expect(read).toEqual([{ t: 'unsel', to: 0, from: 1, op: 1 }]);
  });

  test('a send case of the value undefined stays a send case, apart from a receive case', () => {
    const batch = new Batch();
    pack({ t: 'sel', to: 0, from: 1, op: 7, slot: -1, gen: 0, cases: [[0, 3, undefined], [1, 4]] }, batch);
    const read: Message[] = [];
    unpack(batch.take(), (m) => read.push(m));
    const cases = (read[0] as Extract<Message, { t: 'sel' }>).cases;
    expect(cases[0]).toHaveLength(3);
    expect(cases[1]).toHaveLength(2);
  });

  test('a batch that is not frames is refused with a clear error', () => {
    expect(() => unpack([99, 1, 2], () => {})).toThrow(/unknown frame 99 at 0/);
  });
});
