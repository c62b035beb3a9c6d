import { Channel } from '@gochan/channel';
import { background } from '@gochan/context';
import { describe, expect, test } from 'vitest';
import { decode, encode, type Crossing } from './codec.js';

/** A crossing that names every channel 7 of thread 1, and rebuilds it as `imported`. */
function crossing(imported: Channel<unknown>): Crossing & { exported: number } {
  return {
    exported: 0,
    exportChannel() {
      this.exported++;
      return [1, 7];
    },
    importChannel: () => imported,
    exportContext: () => [1, 8],
    importContext: () => background(),
  };
}

/** Whether `target` is inside `value` (a test's own walk). */
function holds(value: unknown, target: unknown, seen: Set<unknown>): boolean {
  if (value === target) return true;
  if (typeof value !== 'object' || value === null || seen.has(value)) return false;
  seen.add(value);
  const items = value instanceof Map ? [...value].flat() : value instanceof Set ? [...value] : Object.values(value);
  return items.some((item) => holds(item, target, seen));
}

describe('the codec: what a value holds decides whether it is copied', () => {
  test('a value without a channel or context inside is passed as it is, cycles included', () => {
    const c = crossing(new Channel());
    const tuple = ['job-1', 42, undefined, null];
    expect(encode(tuple, c, 1)).toBe(tuple);
    const cyclic: Record<string, unknown> = { name: 'a', list: [1, 2] };
    cyclic['self'] = cyclic;
    (cyclic['list'] as unknown[]).push(cyclic);
    const map = new Map<unknown, unknown>([[cyclic, new Set([cyclic])]]);
    expect(encode(cyclic, c, 1)).toBe(cyclic);
    expect(encode(map, c, 1)).toBe(map);
    expect(decode(cyclic, c)).toBe(cyclic);
    expect(c.exported).toBe(0);
  });

  test('a channel anywhere inside, behind a cycle, in a Map key or a Set, is found and replaced', () => {
    const here = new Channel<number>();
    const there = new Channel<number>();
    for (const make of [
      (ch: Channel<number>) => [1, [2, [3, ch]]],
      (ch: Channel<number>) => {
        const o: Record<string, unknown> = { a: 1 };
        o['self'] = o;
        o['deep'] = { list: [o, ch] };
        return o;
      },
      (ch: Channel<number>) => new Map([[ch, 1]]),
      (ch: Channel<number>) => [new Set([ch])],
    ]) {
      const c = crossing(there);
      const value = make(here);
      const wire = encode(value, c, 1);
      expect(wire).not.toBe(value);
      expect(c.exported).toBe(1);
      expect(holds(decode(structuredClone(wire), c), there, new Set())).toBe(true);
    }
  });
});
