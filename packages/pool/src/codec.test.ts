import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MemoryStore, WorkerPool, jsonCodec, type Codec, type Job, type JsonPayload } from './index.js';

/** Equal as JSON round-trips promise: -0 and 0 alike, an undefined property and a missing one alike. */
function sameData(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (!sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  return true;
}

describe('jsonCodec: payloads arrive as they were sent, or are refused', () => {
  test('property: for any value, encode throws, or decode gives back the same data', () => {
    fc.assert(
      fc.property(fc.anything({ withDate: true, withMap: true, withSet: true, withBigInt: true, withTypedArray: true, withNullPrototype: true, withSparseArray: true, withBoxedValues: true }), (value) => {
        let text: string;
        try {
          text = jsonCodec.encode(value);
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
          return;
        }
        expect(sameData(jsonCodec.decode(text), value)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test('property: every JSON value round-trips', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(sameData(jsonCodec.decode(jsonCodec.encode(value)), value)).toBe(true);
      }),
    );
  });

  test.each([
    ['a Date', new Date(0), /a Date .*would become a string/],
    ['a Date inside an object', { at: new Date(0) }, /a Date at key "at"/],
    ['a Map', new Map([[1, 2]]), /a Map/],
    ['a Set', new Set([1]), /a Set/],
    ['a class instance', new (class Point { x = 1 })(), /a Point/],
    ['NaN', { n: Number.NaN }, /NaN at key "n" .*null/],
    ['Infinity', [Infinity], /Infinity at key "0"/],
    ['undefined in an array', [1, undefined], /undefined at key "1" .*null/],
    ['a function in an object', { f: () => 1 }, /a function at key "f"/],
  ])('refuses %s, naming it', (_name, value, message) => {
    expect(() => jsonCodec.encode(value)).toThrow(TypeError);
    expect(() => jsonCodec.encode(value)).toThrow(message);
  });

  test('a pool with a store refuses a Date payload at submit, and stores nothing', async () => {
    const store = new MemoryStore();
    const pool = new WorkerPool<unknown>({ workers: 1, store, handler: () => {} });
    await expect(pool.submit({ id: 'd', payload: { at: new Date() } })).rejects.toThrow(/^Cannot submit job "d": its payload cannot be encoded \(JSON would not give back a Date/);
    expect(store.counts().waiting).toBe(0);
    await pool.shutdown();
  });

  test('a Date payload with a codec of its own arrives as a Date', async () => {
    const codec: Codec<{ at: Date }> = {
      encode: (p) => JSON.stringify({ at: p.at.toISOString() }),
      decode: (text) => ({ at: new Date((JSON.parse(text) as { at: string }).at) }),
    };
    const seen: Date[] = [];
    const store = new MemoryStore();
    const pool = new WorkerPool<{ at: Date }>({ workers: 1, store, codec, handler: (j) => void seen.push(j.payload.at) });
    await pool.submit({ id: 'd', payload: { at: new Date(86_400_000) } });
    while (store.counts().completed === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await pool.shutdown();
    expect(seen[0]).toBeInstanceOf(Date);
    expect(seen[0]!.getTime()).toBe(86_400_000);
  });
});

describe('payload types that do not lie (compile time)', () => {
  test('a store without a codec takes only payload types JSON gives back unchanged', async () => {
    const store = new MemoryStore();
    interface Resize {
      url: string;
      sizes: number[];
      crop?: { x: number; y: number } | null;
    }
    const pools = [
      new WorkerPool<Resize>({ workers: 1, store, handler: () => {} }),
      new WorkerPool<string | number>({ workers: 1, store, handler: () => {} }),
      // @ts-expect-error a Date would arrive as a string: a codec is required
      new WorkerPool<{ at: Date }>({ workers: 1, store, handler: () => {} }),
      // @ts-expect-error a Map would arrive as {}
      new WorkerPool<Map<string, number>>({ workers: 1, store, handler: () => {} }),
      // @ts-expect-error a bigint cannot be encoded
      new WorkerPool<bigint>({ workers: 1, store, handler: () => {} }),
      // Without a store payloads never leave the process: any type.
      new WorkerPool<{ at: Date }>({ workers: 1, handler: () => {} }),
      new WorkerPool<{ at: Date }>({ workers: 1, store, codec: { encode: () => '', decode: () => ({ at: new Date() }) }, handler: () => {} }),
      new WorkerPool({ workers: 1, store, handler: (job: Job<unknown>) => void job }),
    ];
    await Promise.all(pools.map((pool) => pool.shutdown()));
    const image: JsonPayload<{ a: Date; b: string }> = { a: undefined as never, b: 'x' };
    expect(image.b).toBe('x');
  });
});
