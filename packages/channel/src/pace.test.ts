import { describe, expect, it, vi } from 'vitest';
import { Channel } from './channel.js';
import { recv, select, send } from './select.js';
import { pace } from './pace.js';
import { busy } from '../../../tests/support/deadline.js';

/**
 * Runs `work` while a 10 ms timer is pending beside it, and returns how late
 * the timer fired (ms). A loop that never yields to the event loop would keep
 * the timer from firing until the loop ended.
 */
async function timerLateness(work: () => Promise<void>): Promise<{ late: number; workMs: number }> {
  const start = performance.now();
  let firedAt = Infinity;
  setTimeout(() => (firedAt = performance.now()), 10);
  await work();
  const end = performance.now();
  return { late: Math.min(firedAt, end) - start - 10, workMs: end - start };
}

describe('fairness to the event loop', () => {
  it('a timer fires while a 1M-message producer/consumer loop runs', async () => {
    const n = 1_000_000;
    const ch = new Channel<number>(128);
    let sum = 0;
    const { late, workMs } = await timerLateness(async () => {
      const consumer = (async () => {
        for (;;) {
          const [v, ok] = await ch.recv();
          if (!ok) return;
          sum += v;
        }
      })();
      for (let i = 0; i < n; i++) await ch.send(i);
      ch.close();
      await consumer;
    });
    expect(sum).toBe((n * (n - 1)) / 2);
    // The timer must fire during the loop, not after it: the loop runs for far
    // longer than the timer's delay, and the timer fires in its first half.
    // A bound in milliseconds would be a claim about the machine's load (a
    // loaded 2-core machine made it 45 ms late once): without pacing, the
    // timer fires only after the loop, which this still fails.
    expect(workMs).toBeGreaterThan(50);
    expect(late).toBeLessThan(workMs / 2);
  });

  it('a timer fires while unbuffered ping-pong and select loops run', async () => {
    const ping = new Channel<number>();
    const pong = new Channel<number>();
    const rounds = 200_000;
    const { late, workMs } = await timerLateness(async () => {
      const echo = (async () => {
        for await (const v of ping) await pong.send(v);
      })();
      for (let i = 0; i < rounds; i++) {
        const [index] = await select([send(ping, i), recv(new Channel<never>(0))]);
        if (index !== 0) throw new Error('wrong case');
        const [v] = await pong.recv();
        if (v !== i) throw new Error(`got ${v}, want ${i}`);
      }
      ping.close();
      await echo;
    });
    expect(workMs).toBeGreaterThan(50);
    expect(late).toBeLessThan(workMs / 2);
  });

  it('a loop receiving on a closed channel forever still lets timers run', async () => {
    const ch = new Channel<number>();
    ch.close();
    let fired = false;
    setTimeout(() => (fired = true), 5);
    const start = performance.now();
    while (!fired) {
      await ch.recv();
      if (performance.now() - start > 5_000) break;
    }
    expect(fired).toBe(true);
  });
});

describe('pacing bounds a slice by time, whatever each operation costs', () => {
  // Counts, not wall-clock bounds: 3 ms of work per operation, a 10 ms timer
  // set at the start; before the fix, the clock was read every 32
  // operations, so the timer waited ~100 ms, past the 30th operation.
  it('a timer fires before the tenth of a loop of receives, each followed by 3 ms of work', async () => {
    const ch = new Channel<number>(64);
    for (let i = 0; i < 40; i++) ch.trySend(i);
    ch.close();
    let done = 0;
    let doneWhenFired = -1;
    setTimeout(() => (doneWhenFired = done), 10);
    for await (const _ of ch) {
      busy(3);
      done++;
    }
    expect(done).toBe(40);
    expect(doneWhenFired).toBeGreaterThanOrEqual(0);
    expect(doneWhenFired).toBeLessThan(10);
  });

  it('a loop of tryRecv() and pace() with 3 ms of work each lets a timer fire before the tenth', async () => {
    const ch = new Channel<number>(64);
    for (let i = 0; i < 40; i++) ch.trySend(i);
    let done = 0;
    let doneWhenFired = -1;
    setTimeout(() => (doneWhenFired = done), 10);
    for (let next = ch.tryRecv(); next !== undefined; next = ch.tryRecv()) {
      busy(3);
      done++;
      const wait = pace();
      if (wait !== null) await wait;
    }
    expect(done).toBe(40);
    expect(doneWhenFired).toBeGreaterThanOrEqual(0);
    expect(doneWhenFired).toBeLessThan(10);
  });

  it('after a run of fast operations, slow ones let a timer fire within one window of 32 operations', async () => {
    // The window between clock reads grows to 32 operations while they are
    // fast, so slow ones that follow in the same slice are caught at the
    // end of that window at the latest (16 rounds of two operations), and
    // each slice after starts its window at 1 again (pace.ts's invariants).
    const ch = new Channel<number>(1);
    for (let i = 0; i < 100_000; i++) {
      await ch.send(i);
      await ch.recv();
    }
    let done = 0;
    let doneWhenFired = -1;
    setTimeout(() => (doneWhenFired = done), 10);
    for (let i = 0; i < 40; i++) {
      await ch.send(i);
      await ch.recv();
      busy(3);
      done++;
    }
    expect(doneWhenFired).toBeGreaterThanOrEqual(0);
    expect(doneWhenFired).toBeLessThanOrEqual(16);
  });

  it('once the gate opens, every operation meets it until the event loop turns', async () => {
    // The fast path reads only the budget: an open gate must keep it at or
    // below zero, or operations would slip past the gate in its slice.
    let gate: Promise<void> | null = null;
    for (let calls = 0; gate === null; calls++) {
      if (calls > 1e8) throw new Error('no gate after 1e8 operations');
      gate = pace();
    }
    for (let i = 0; i < 1000; i++) expect(pace()).toBe(gate);
    await gate;
    // The clock held still for the two calls: a thread descheduled between
    // them for more than the slice's millisecond (seen in CI) would rightly
    // find the new slice used up, which is not what this checks.
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now);
    try {
      expect(pace()).toBeNull(); // a new slice starts
      expect(pace()).toBeNull();
    } finally {
      clock.mockRestore();
    }
  });
});
