// Our own interleaving properties, run under the runtime: fast-check picks
// the order in which parked operations resume, select's draws, and time is
// virtual. Any run in which nothing can move fails with a DeadlockError, so
// each property also says: this program never deadlocks.
import { Channel, after, recv, select, send, Ticker } from '@gochan/channel';
import { background, DeadlineExceeded, withCancel, withTimeout } from '@gochan/context';
import { Group } from '@gochan/errgroup';
import { WorkerPool } from '@gochan/pool';
import { Mutex, RWMutex } from '@gochan/sync';
import { WaitGroup } from '@gochan/waitgroup';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { scheduler } from './scheduler.js';

const RUNS = { numRuns: 150 };

describe('channel', () => {
  test('producers and consumers over any buffer: every value received once, each producer in order, all end', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 3 }),
        scheduler(),
        async (capacity, perProducer, consumers, s) => {
          const received = await s.run(async () => {
            const ch = new Channel<string>(capacity);
            const producers = new WaitGroup();
            perProducer.forEach((count, p) =>
              producers.go(async () => {
                for (let i = 0; i < count; i++) await ch.send(`${p}.${i}`);
              }),
            );
            void producers.wait().then(() => ch.close());
            const got: string[][] = [];
            const all = new WaitGroup();
            for (let c = 0; c < consumers; c++) {
              const mine: string[] = [];
              got.push(mine);
              all.go(async () => {
                for await (const v of ch) mine.push(v);
              });
            }
            await all.wait();
            return got;
          });
          const flat = received.flat();
          expect(flat.sort()).toEqual(perProducer.flatMap((count, p) => Array.from({ length: count }, (_, i) => `${p}.${i}`)).sort());
          for (const mine of received) {
            for (let p = 0; p < perProducer.length; p++) {
              const seq = mine.filter((v) => v.startsWith(`${p}.`)).map((v) => Number(v.split('.')[1]));
              expect(seq).toEqual([...seq].sort((a, b) => a - b));
            }
          }
        },
      ),
      RUNS,
    );
  });

  test('a closed channel: waiting senders reject, receivers drain the buffer then see ok = false', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 4 }), scheduler(), async (capacity, senders, s) => {
        const { rejected, values } = await s.run(async () => {
          const ch = new Channel<number>(capacity);
          const outcomes = Array.from({ length: senders }, (_, i) => ch.send(i).then(() => 'sent', () => 'rejected'));
          await s.scheduler.schedule(Promise.resolve(), 'close');
          ch.close();
          const values: number[] = [];
          for await (const v of ch) values.push(v);
          return { rejected: (await Promise.all(outcomes)).filter((o) => o === 'rejected').length, values };
        });
        expect(values.length).toBe(Math.min(capacity, senders));
        expect(rejected).toBe(senders - values.length);
      }),
      RUNS,
    );
  });
});

describe('select', () => {
  test('a fan-in select loop takes every value once, whatever the draws and the order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }), scheduler(), async (counts, s) => {
        const got = await s.run(async () => {
          const inputs = counts.map(() => new Channel<string>());
          const quit = new Channel<void>();
          const senders = new WaitGroup();
          counts.forEach((count, c) =>
            senders.go(async () => {
              for (let i = 0; i < count; i++) await (inputs[c] as Channel<string>).send(`${c}.${i}`);
            }),
          );
          void senders.wait().then(() => quit.close());
          const got: string[] = [];
          for (;;) {
            const [index, value] = await select([...inputs.map((ch) => recv(ch)), recv(quit)]);
            if (index === inputs.length) break;
            got.push(value as string);
          }
          return got;
        });
        expect(got.sort()).toEqual(counts.flatMap((count, c) => Array.from({ length: count }, (_, i) => `${c}.${i}`)).sort());
      }),
      RUNS,
    );
  });

  test('exactly one case runs: a value is taken by one select or the other, never both, never lost', async () => {
    await fc.assert(
      fc.asyncProperty(scheduler(), async (s) => {
        const outcome = await s.run(async () => {
          const a = new Channel<number>();
          const b = new Channel<number>();
          const first = select([recv(a), send(b, 1)]);
          const second = select([recv(b), send(a, 2)]);
          return [await first, await second];
        });
        // Either the first select's send met the second's receive, or the reverse: one pair, one value.
        expect([
          [
            [1, undefined, true],
            [0, 1, true],
          ],
          [
            [0, 2, true],
            [1, undefined, true],
          ],
        ]).toContainEqual(outcome);
      }),
      RUNS,
    );
  });

  test("select's choice among ready cases comes from the run's seed: both cases are taken across seeds, each seed replays its choice", async () => {
    const choose = (s: { run: <T>(body: () => Promise<T>) => Promise<T> }) =>
      s.run(async () => {
        const a = new Channel<string>(1);
        const b = new Channel<string>(1);
        a.trySend('a');
        b.trySend('b');
        return (await select([recv(a), recv(b)]))[0];
      });
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(scheduler(), async (s) => {
        const index = await choose(s);
        seen.add(index);
        expect(await choose(fc.cloneIfNeeded(s))).toBe(index);
      }),
      { numRuns: 40 },
    );
    expect([...seen].sort()).toEqual([0, 1]);
  });
});

describe('WaitGroup', () => {
  test('wait resumes only once every task is done, for every waiter', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 3 }), scheduler(), async (tasks, waiters, s) => {
        await s.run(async () => {
          const wg = new WaitGroup();
          const gate = new Channel<void>();
          let done = 0;
          for (let t = 0; t < tasks; t++) {
            wg.go(async () => {
              await gate.recv();
              done++;
            });
          }
          const waits = Array.from({ length: waiters }, () => wg.wait().then(() => expect(done).toBe(tasks)));
          for (let t = 0; t < tasks; t++) await gate.send();
          await Promise.all(waits);
        });
      }),
      RUNS,
    );
  });
});

describe('locks and errgroup', () => {
  /** Work that parks: a hand-off through a fresh unbuffered channel. */
  const handOff = async () => {
    const step = new Channel<void>();
    void step.send();
    await step.recv();
  };

  test('a Mutex admits one holder at a time, and every task gets it, whatever the order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), scheduler(), async (tasks, s) => {
        const { done, most } = await s.run(async () => {
          const mu = new Mutex();
          let inside = 0;
          let most = 0;
          let done = 0;
          const wg = new WaitGroup();
          for (let t = 0; t < tasks; t++) {
            wg.go(async () => {
              await mu.lock();
              most = Math.max(most, ++inside);
              await handOff();
              inside--;
              mu.unlock();
              done++;
            });
          }
          await wg.wait();
          return { done, most };
        });
        expect([done, most]).toEqual([tasks, 1]);
      }),
      RUNS,
    );
  });

  test('an RWMutex never lets a writer in beside anyone, and never deadlocks readers and writers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }), scheduler(), async (writers, s) => {
        await s.run(async () => {
          const rw = new RWMutex();
          let readers = 0;
          let writing = false;
          const wg = new WaitGroup();
          for (const isWriter of writers) {
            wg.go(async () => {
              if (isWriter) {
                await rw.lock();
                expect([readers, writing]).toEqual([0, false]);
                writing = true;
                await handOff();
                writing = false;
                rw.unlock();
              } else {
                await rw.rLock();
                expect(writing).toBe(false);
                readers++;
                await handOff();
                readers--;
                rw.rUnlock();
              }
            });
          }
          await wg.wait();
        });
      }),
      RUNS,
    );
  });

  test("an errgroup with a limit never runs more than the limit at once, and wait returns the first error after all settle", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }), scheduler(), async (limit, fails, s) => {
        const { most, settled, error } = await s.run(async () => {
          const g = new Group();
          g.setLimit(limit);
          let running = 0;
          let most = 0;
          let settled = 0;
          for (const [i, fail] of fails.entries()) {
            await g.go(async () => {
              most = Math.max(most, ++running);
              await handOff();
              running--;
              settled++;
              if (fail) throw new Error(`task ${i}`);
            });
          }
          const error = await g.wait().then(() => undefined, (e: Error) => e.message);
          return { most, settled, error };
        });
        expect(most).toBeLessThanOrEqual(limit);
        expect(settled).toBe(fails.length);
        expect(error === undefined).toBe(!fails.includes(true));
      }),
      RUNS,
    );
  });
});

describe('context and virtual time', () => {
  test('deadlines and timers fire in the order of their due times, in no real time', async () => {
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 60_000 }), fc.integer({ min: 1, max: 60_000 }), scheduler(), async (timeout, delay, s) => {
        const [index, err] = await s.run(async () => {
          const [ctx, cancel] = withTimeout(background(), timeout);
          const [i] = await select([recv(ctx.done()), recv(after(delay))]);
          const err = ctx.err();
          cancel();
          return [i, err] as const;
        });
        if (timeout < delay) expect([index, err]).toEqual([0, DeadlineExceeded]);
        if (delay < timeout) expect([index, err]).toEqual([1, undefined]);
      }),
      RUNS,
    );
    // 150 runs of timeouts up to a minute.
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  test('cancelling a parent wakes every child waiting on done(), whatever the order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), scheduler(), async (children, s) => {
        const woken = await s.run(async () => {
          const [parent, cancel] = withCancel(background());
          const wg = new WaitGroup();
          let woken = 0;
          for (let c = 0; c < children; c++) {
            const [child] = withCancel(parent);
            wg.go(async () => {
              await child.done().recv();
              expect(child.err()).toBe(parent.err());
              woken++;
            });
          }
          await s.scheduler.schedule(Promise.resolve(), 'cancel the parent');
          cancel();
          await wg.wait();
          return woken;
        });
        expect(woken).toBe(children);
      }),
      RUNS,
    );
  });

  test('a ticker ticks on virtual time: a loop of n ticks ends after n periods, each tick stamped one period later', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1, max: 5 }), scheduler(), async (period, n, s) => {
        const ticks = await s.run(async () => {
          const ticker = new Ticker(period);
          const [ctx, cancel] = withTimeout(background(), period * n + period / 2);
          const ticks: number[] = [];
          for (;;) {
            const [i, time] = await select([recv(ticker.c), recv(ctx.done())]);
            if (i === 1) break;
            ticks.push((time as Date).getTime());
          }
          ticker.stop();
          cancel();
          return ticks;
        });
        expect(ticks).toHaveLength(n);
        // Go's faketime: the time a tick carries is the virtual clock's.
        ticks.forEach((t, k) => k > 0 && expect(t - (ticks[k - 1] as number)).toBe(period));
      }),
      RUNS,
    );
  });
});

describe('pool', () => {
  test('every job runs once, never more at a time than workers, and shutdown drains the queue', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 8 }), scheduler(), async (workers, queueSize, jobs, s) => {
        const { ran, maxRunning, report } = await s.run(async () => {
          const ran: string[] = [];
          let running = 0;
          let maxRunning = 0;
          const pool = new WorkerPool<number, void>({
            workers,
            queueSize,
            handler: async (job) => {
              running++;
              maxRunning = Math.max(maxRunning, running);
              // Some work that parks: a hand-off through a channel.
              const step = new Channel<void>();
              void step.send();
              await step.recv();
              ran.push(job.id);
              running--;
            },
          });
          for (let j = 0; j < jobs; j++) await pool.submit({ id: `j${j}`, payload: j });
          const report = await pool.shutdown({ timeout: 60_000 });
          return { ran, maxRunning, report };
        });
        expect(ran.sort()).toEqual(Array.from({ length: jobs }, (_, j) => `j${j}`).sort());
        expect(maxRunning).toBeLessThanOrEqual(workers);
        expect(report.timedOut).toBe(false);
        expect(report.stats).toMatchObject({ completed: jobs, failed: 0, queued: 0, active: 0 });
      }),
      { numRuns: 100 },
    );
  });
});
