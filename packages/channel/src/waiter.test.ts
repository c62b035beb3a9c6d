import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RECV, WaitQueue, Waiter } from './waiter.js';

describe('WaitQueue', () => {
  it('serves waiters first come, first served, with removal from anywhere', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant('enqueue'), fc.constant('dequeue'), fc.nat(20)), { maxLength: 100 }), (ops) => {
        const queue = new WaitQueue<number>();
        const model: Waiter<number>[] = [];
        const all: Waiter<number>[] = [];
        for (const op of ops) {
          if (op === 'enqueue') {
            const w = new Waiter<number>(RECV, all.length, null, 0);
            all.push(w);
            model.push(w);
            queue.enqueue(w);
          } else if (op === 'dequeue') {
            expect(queue.dequeue()).toBe(model.shift() ?? null);
          } else if (all.length > 0) {
            const w = all[op % all.length] as Waiter<number>;
            queue.remove(w); // a no-op when w is no longer queued
            const at = model.indexOf(w);
            if (at >= 0) model.splice(at, 1);
          }
          const seen: Waiter<number>[] = [];
          for (let w = queue.head; w !== null && (seen.length === 0 || w !== queue.head); w = w.next) seen.push(w);
          expect(seen).toEqual(model);
          expect(queue.tail).toBe(model.at(-1) ?? null);
          for (const w of all) expect(w.queue === queue).toBe(model.includes(w));
        }
      }),
    );
  });
});
