import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ring } from './ring.js';

describe('Ring', () => {
  it('behaves as a bounded FIFO array under any sequence of puts and takes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.boolean(), { maxLength: 200 }), (capacity, ops) => {
        const ring = new Ring<number>(capacity);
        const model: number[] = [];
        let next = 0;
        for (const put of ops) {
          if (put && model.length < capacity) {
            ring.put(next);
            model.push(next++);
          } else if (!put && model.length > 0) {
            expect(ring.take()).toBe(model.shift());
          }
          expect(ring.length).toBe(model.length);
        }
      }),
    );
  });

  it('keeps no reference to a value once taken', () => {
    const ring = new Ring<object>(2);
    ring.put({});
    ring.take();
    expect((ring as unknown as { slots: unknown[] }).slots).toEqual([undefined, undefined]);
  });
});
