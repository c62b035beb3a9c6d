import { describe, expect, test } from 'vitest';
import { Channel, type RecvChannel, type SendChannel } from './channel.js';
import { nil } from './nil.js';
import { recv, select, send, trySelect } from './select.js';
import { settled } from '../../../tests/support/settled.js';

// Go's test/chan/select3.go ("Test the semantics of the select statement for
// basic empty/non-empty cases"), its nil-channel cases translated: Go's
// testBlock(always, f) becomes "f's promise has not settled after a
// macrotask", testPanic(always, f) "f throws Go's text".
describe('the nil channel (Go\'s test/chan/select3.go)', () => {
  test('sending to a nil channel blocks', async () => {
    expect(await settled(nil.send(7 as never))).toBe(false);
  });

  test('receiving from a nil channel blocks', async () => {
    expect(await settled(nil.recv())).toBe(false);
  });

  test('a range over a nil channel blocks', async () => {
    const ranging = (async () => {
      for await (const _ of nil) throw new Error('unreachable');
    })();
    expect(await settled(ranging)).toBe(false);
  });

  test('closing a nil channel panics: "close of nil channel"', () => {
    expect(() => nil.close()).toThrow(new Error('close of nil channel'));
  });

  test('a select on a nil channel blocks; with another ready case, that one runs', async () => {
    expect(await settled(select([recv(nil)]))).toBe(false);
    expect(await settled(select([send(nil, 1 as never)]))).toBe(false);
    const ready = new Channel<number>(1);
    ready.trySend(5);
    for (let i = 0; i < 50; i++) {
      ready.trySend(5);
      expect(await select([recv(nil), recv(ready), send(nil, 0 as never)])).toEqual([1, 5, true]);
    }
  });

  test('a select with default and only nil channels runs the default', () => {
    expect(trySelect([recv(nil), send(nil, 1 as never)])).toBeUndefined();
    expect(nil.trySend(1 as never)).toBe(false);
    expect(nil.tryRecv()).toBeUndefined();
  });

  test('a select parked on nil and a real channel is woken by the real one, and leaves nothing queued on nil', async () => {
    const ch = new Channel<string>();
    const selecting = select([recv(nil), recv(ch), send(nil, 0 as never)]);
    await ch.send('x');
    expect(await selecting).toEqual([1, 'x', true]);
    // Go's selectgo skips nil channels: nothing was ever queued on it.
    expect(nil.recvq.head).toBeNull();
    expect(nil.sendq.head).toBeNull();
    expect(recv(nil)).toBe(recv(null));
    expect(send(nil, 0 as never).channel).toBeNull();
  });

  test('len and cap of a nil channel are 0; it is never closed', () => {
    expect(nil.length).toBe(0);
    expect(nil.capacity).toBe(0);
    expect(nil.closed).toBe(false);
  });

  test('an aborted signal withdraws a send or receive on nil', async () => {
    const controller = new AbortController();
    const sending = nil.send(1 as never, controller.signal);
    const receiving = nil.recv(controller.signal);
    controller.abort(new Error('stop'));
    await expect(sending).rejects.toThrow('stop');
    await expect(receiving).rejects.toThrow('stop');
    await expect(nil.recv(controller.signal)).rejects.toThrow('stop');
  });

  test('nil is a channel of every element type, as Go\'s zero value is', () => {
    let ch: Channel<number> = nil;
    const r: RecvChannel<string> = nil;
    const s: SendChannel<Date> = nil;
    expect(ch).toBeInstanceOf(Channel);
    ch = new Channel<number>();
    expect([ch, r, s]).toHaveLength(3);
  });

  test('null in a select\'s case list keeps working as a never-ready case', async () => {
    const ch = new Channel<number>(1);
    ch.trySend(3);
    expect(await select([null, recv(null), recv(ch), undefined])).toEqual([2, 3, true]);
  });
});
