// Type tests for the narrowing of select's result. Their real assertions are
// checked by `tsc -p tsconfig.test.json` (part of `pnpm test`); the runtime
// part only checks that the same values come out.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Channel, type RecvChannel, type SendChannel } from './channel.js';
import { recv, select, send, trySelect, type SelectResult } from './select.js';

describe('select result types', () => {
  it('narrows value and ok by index', async () => {
    const numbers = new Channel<number>(1);
    const words = new Channel<string>(1);
    await numbers.send(1);
    const result = await select([recv(numbers), send(words, 'w'), null]);
    const [index, value, ok] = result;
    expectTypeOf(index).toEqualTypeOf<0 | 1>();
    if (index === 0) {
      expectTypeOf(value).toEqualTypeOf<number | undefined>();
      if (ok) expectTypeOf(value).toEqualTypeOf<number>();
      else expectTypeOf(value).toEqualTypeOf<undefined>();
    } else {
      expectTypeOf(index).toEqualTypeOf<1>();
      expectTypeOf(value).toEqualTypeOf<undefined>();
      expectTypeOf(ok).toEqualTypeOf<true>();
    }
    expect(index === 0 || index === 1).toBe(true);
  });

  it('types each case by its channel, through the send and receive sides', () => {
    const ch = new Channel<Date>(1);
    const out: SendChannel<Date> = ch;
    const inp: RecvChannel<Date> = ch;
    const r = trySelect([send(out, new Date()), recv(inp)]);
    expectTypeOf(r).toEqualTypeOf<[0, undefined, true] | [1, Date, true] | [1, undefined, false] | undefined>();
    expect(r?.[0]).toBe(0);
    // @ts-expect-error a send case takes a value of the channel's type
    send(out, 'not a date');
  });

  it('falls back to number indexes for an array that is not a tuple', () => {
    type R = SelectResult<ReturnType<typeof recv<string>>[]>;
    expectTypeOf<R>().toEqualTypeOf<[number, string, true] | [number, undefined, false]>();
    expect(true).toBe(true);
  });
});
