// The watcher and dump() in real programs whose goroutines run on threads
// (test-programs/threads/*.mjs, run on the built packages, GOMAXPROCS=2):
// Go's deadlock is reported when every goroutine on every thread is parked
// with nothing pending, never while a thread computes, has a timer, or has
// a message to answer; dump() lists every thread's parked goroutines and
// does not hang on a thread that cannot answer.
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildPackage } from '../../../tests/support/child.js';

const programs = fileURLToPath(new URL('../test-programs/threads/', import.meta.url));
const GO = 'fatal error: all goroutines are asleep - deadlock!\n\n';

function runProgram(name: string, args: readonly string[] = [], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const ran = spawnSync(process.execPath, [`${programs}${name}`, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, GOCHAN_DEADLOCK: '', GOCHAN_TRACEBACK: '', GOMAXPROCS: '2', ...env },
  });
  if (ran.error) throw ran.error;
  return { status: ran.status, stdout: ran.stdout, stderr: ran.stderr };
}

beforeAll(() => {
  buildPackage('testing');
  buildPackage('threads');
}, 120_000);

describe('the deadlock watcher across threads', () => {
  test('main waits on a channel only a goroutine on a thread would send on, and that goroutine waits too: Go\'s report, both goroutines, exit 2', () => {
    const ran = runProgram('main-and-thread-wait.mjs');
    expect(ran.stderr).toBe(
      `${GO}goroutine 1 [chan receive]:\n    receive from chan "results" (unbuffered) [thread 0, chan 1]\n\n` +
        'goroutine 1 on thread 1 [chan receive]:\n    receive from chan "never" (unbuffered)\n',
    );
    expect(ran.status).toBe(2);
    expect(ran.stdout).toBe('');
  });

  test('node --import @gochan/testing/watch: the main thread watches the pool\'s threads (which inherit the --import and do not watch on their own)', () => {
    const ran = spawnSync(process.execPath, ['--import', '@gochan/testing/watch', `${programs}unwatched-thread-wait.mjs`], {
      encoding: 'utf8',
      timeout: 60_000,
      cwd: programs,
      env: { ...process.env, GOCHAN_DEADLOCK: '', GOCHAN_TRACEBACK: '', GOMAXPROCS: '2' },
    });
    expect(ran.stderr).toBe(
      `${GO}goroutine 1 [chan receive]:\n    receive from an unlabelled chan (unbuffered) [thread 0, chan 1]\n\n` +
        'goroutine 1 on thread 1 [chan receive]:\n    receive from chan "never" (unbuffered)\n',
    );
    expect(ran.status).toBe(2);
  });

  test('GOCHAN_TRACEBACK=1: a goroutine on a thread shows where it parked, from its module\'s function down, without the thread runtime\'s frames', () => {
    const ran = runProgram('main-and-thread-wait.mjs', [], { GOCHAN_TRACEBACK: '1' });
    expect(ran.status).toBe(2);
    expect(ran.stderr).toMatch(/goroutine 1 on thread 1 \[chan receive\]:\n {4}receive from chan "never" \(unbuffered\)\n {4}at waitThenSend \(file:.*wait-then-send\.mjs:\d+:\d+\)\n?$/);
  });

  test('watchDeadlocks() on a thread of the pool is refused, and says to call it on the main thread', () => {
    const ran = runProgram('watch-on-thread.mjs');
    expect(ran).toEqual({ status: 0, stdout: 'watchDeadlocks: this is thread 1 of a thread pool; call it on the main thread, which watches every thread of the pool\n', stderr: '' });
  });

  test('goroutines parked on two threads while main only awaits their results: each thread\'s goroutine is listed', () => {
    const ran = runProgram('two-threads-wait.mjs');
    expect(ran.stderr).toBe(
      `${GO}goroutine on the main thread: no gochan operation is parked here (it awaits a goroutine's result, or a promise gochan does not know)\n\n` +
        'goroutine 1 on thread 1 [chan receive]:\n    receive from chan "never" (unbuffered)\n\n' +
        'goroutine 1 on thread 2 [chan receive]:\n    receive from chan "never" (unbuffered)\n',
    );
    expect(ran.status).toBe(2);
  });

  test('a channel that lives on a thread is described by its home: the label given there, its buffer there', () => {
    const ran = runProgram('home-thread-deadlock.mjs');
    expect(ran.stderr).toBe(`${GO}goroutine 1 [chan receive]:\n    receive from chan "made there" (unbuffered) [thread 1, chan 1]\n`);
    expect(ran.status).toBe(2);
  });

  test('a thread that died leaves no goroutine in the report, and the deadlock it causes is reported', () => {
    const ran = runProgram('thread-dies.mjs');
    expect(ran.stdout).toBe('ThreadExitError\n');
    expect(ran.stderr).toBe(
      `${GO}goroutine 2 [chan receive]:\n    receive from chan "ready" (unbuffered) [thread 0, chan 1]\n\n` +
        'goroutine 2 on thread 1 [chan receive]:\n    receive from chan "mine" (unbuffered)\n',
    );
    expect(ran.status).toBe(2);
  });

  test.each([
    ['thread-computes.mjs', [], 'hash number\n'],
    ['thread-sleeps.mjs', ['300'], 'woke\n'],
    ['home-thread-serves.mjs', [], 'sum 5050\n'],
  ] as const)('%s: no report while a goroutine on a thread can still run (it computes, has a timer, or its thread has a message to answer); exit 0', (name, args, stdout) => {
    const ran = runProgram(name, args);
    expect(ran).toEqual({ status: 0, stdout, stderr: '' });
  });

  test('main(): once main returns, the program exits 0 with no report, whatever is parked on the threads (Go\'s rule for main)', () => {
    const ran = runProgram('main-returns.mjs');
    expect(ran).toEqual({ status: 0, stdout: 'ready\n', stderr: '' });
  });

  test('property: a ping-pong with a thread, sleeps and computations anywhere, is never reported; once the goroutine parks or its thread dies at a round fast-check picks, it is, with what survived', () => {
    const mode = fc.oneof(fc.constant('none'), fc.tuple(fc.constantFrom('park', 'exit'), fc.nat({ max: 5 })).map(([how, at]) => `${how}@${at}`));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.constantFrom(0, 0, 1, 4, -30), { minLength: 1, maxLength: 4 }), mode, (rounds, sleeps, stop) => {
        const ran = runProgram('ping-pong.mjs', [String(rounds), sleeps.join(','), stop]);
        const at = stop === 'none' ? Infinity : Number(stop.split('@')[1]);
        if (at >= rounds) {
          expect(ran).toEqual({ status: 0, stdout: `n ${rounds} rounds ${rounds}\n`, stderr: '' });
          return;
        }
        expect(ran.status).toBe(2);
        expect(ran.stdout).toBe('');
        const main = /^goroutine \d+ \[chan receive\]:\n {4}receive from chan "pong" \(unbuffered\) \[thread 0, chan 2\]\n/;
        const body = ran.stderr.slice(GO.length);
        expect(ran.stderr.startsWith(GO)).toBe(true);
        expect(body).toMatch(main);
        const rest = body.replace(main, '');
        if (stop.startsWith('park')) expect(rest).toMatch(/^\ngoroutine \d+ on thread 1 \[chan receive\]:\n {4}receive from chan "never" \(unbuffered\)\n$/);
        else expect(rest).toBe('');
      }),
      { numRuns: 12 },
    );
  }, 300_000);
});

describe('dump() across threads', () => {
  test('lists what is parked on another thread, and names a thread that computes and cannot answer instead of hanging on it', () => {
    const ran = runProgram('dump-busy-thread.mjs', ['2000']);
    expect(ran.stdout).toBe(
      'goroutine 2 on thread 1 [chan receive]:\n    receive from chan "mine" (unbuffered)\n\n' +
        'thread 2: did not answer within 2000 ms (it computes, is blocked, or is ending)\n',
    );
    expect(ran.status).toBe(0);
  });

  test('a select on a thread whose cases wait on two threads\' channels: each case named, the other thread\'s by its home', () => {
    const ran = runProgram('dump-select.mjs');
    expect(ran.stdout).toBe(
      'goroutine 2 on thread 1 [select]:\n    select on receive from chan "theirs" (buffered, 0 of 2) [thread 0, chan 2], receive from chan "mine" (buffered, 0 of 1)\n',
    );
    expect(ran.status).toBe(0);
  });

  test('called on a thread, it lists the main thread\'s parked goroutines too', () => {
    const ran = runProgram('dump-from-thread.mjs');
    expect(ran.stdout).toBe('goroutine 1 [chan receive]:\n    receive from chan "results" (unbuffered) [thread 0, chan 1]\n');
    expect(ran.status).toBe(0);
  });
});
