// The watcher in real Node programs (test-programs/*.mjs, run on the built
// packages): Go's four classic deadlocks each print Go's report to stderr
// and exit with status 2; a program that ends normally prints nothing; the
// environment switches it to a warning or off.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildPackage } from '../../../tests/support/child.js';

const programs = fileURLToPath(new URL('../test-programs/', import.meta.url));
const GO = 'fatal error: all goroutines are asleep - deadlock!\n\n';

function runProgram(name: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const ran = spawnSync(process.execPath, [`${programs}${name}`], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, GOCHAN_DEADLOCK: '', GOCHAN_TRACEBACK: '', ...env } });
  if (ran.error) throw ran.error;
  return { status: ran.status, stdout: ran.stdout, stderr: ran.stderr };
}

beforeAll(() => {
  buildPackage('testing');
  buildPackage('waitgroup');
}, 120_000);

describe('a Node program under watchDeadlocks()', () => {
  test.each([
    ['recv-nobody-sends.mjs', 'goroutine 1 [chan receive]:\n    receive from chan "results" (unbuffered)\n'],
    ['each-waits.mjs', 'goroutine 1 [chan receive]:\n    receive from chan "ping" (unbuffered)\n\ngoroutine 2 [chan receive]:\n    receive from chan "pong" (unbuffered)\n'],
    ['waitgroup-never-done.mjs', 'goroutine 1 [sync.WaitGroup.Wait]:\n    wait on WaitGroup "workers" (counter 1)\n'],
    ['range-never-closed.mjs', 'goroutine 1 [chan receive]:\n    range over chan "jobs" (buffered, 0 of 3)\n'],
  ])('%s: Go\'s report on stderr, exit status 2', (name, blocks) => {
    const ran = runProgram(name);
    expect(ran.stderr).toBe(`${GO}${blocks}`);
    expect(ran.status).toBe(2);
    expect(ran.stdout).not.toContain('unreachable');
  });

  test('node --import @gochan/testing/watch: the same report for a program that never calls watchDeadlocks()', () => {
    const ran = spawnSync(process.execPath, ['--import', '@gochan/testing/watch', `${programs}unwatched-recv.mjs`], {
      encoding: 'utf8',
      timeout: 20_000,
      cwd: programs,
      env: { ...process.env, GOCHAN_DEADLOCK: '', GOCHAN_TRACEBACK: '' },
    });
    expect(ran.stderr).toBe(`${GO}goroutine 1 [chan receive]:\n    receive from an unlabelled chan (unbuffered)\n`);
    expect(ran.status).toBe(2);
  });

  test('GOCHAN_TRACEBACK=1 adds where each operation parked and where its channel was made', () => {
    const ran = runProgram('each-waits.mjs', { GOCHAN_TRACEBACK: '1' });
    expect(ran.status).toBe(2);
    expect(ran.stderr).toMatch(/goroutine 1 \[chan receive\]:\n {4}receive from chan "ping" \(unbuffered\)\n {4}at a \(file:.*each-waits\.mjs:\d+:\d+\)/);
  });

  test('GOCHAN_DEADLOCK=warn reports and lets Node exit as it would (13: an unsettled top-level await)', () => {
    const ran = runProgram('recv-nobody-sends.mjs', { GOCHAN_DEADLOCK: 'warn' });
    expect(ran.stderr.startsWith(`${GO}goroutine 1 [chan receive]:`)).toBe(true);
    expect(ran.status).toBe(13);
  });

  test('GOCHAN_DEADLOCK=off reports nothing', () => {
    const ran = runProgram('recv-nobody-sends.mjs', { GOCHAN_DEADLOCK: 'off' });
    expect(ran.stderr).not.toContain('fatal error');
    expect(ran.status).toBe(13);
  });

  test('a parked operation whose rejection the program ignores is still an unhandled rejection', () => {
    const ran = runProgram('unhandled-rejection.mjs');
    expect(ran.stderr).toContain('ClosedChannelError: send on closed channel');
    expect(ran.stderr).not.toContain('fatal error');
    expect(ran.status).toBe(1);
  });

  test('a program that ends normally prints nothing and exits 0', () => {
    const ran = runProgram('ends-normally.mjs');
    expect(ran).toEqual({ status: 0, stdout: 'sum 5050 timer 0\n', stderr: '' });
  });

  test('main(): the sieve of Eratosthenes returns with 51 goroutines parked and exits 0 with no report, as Go', () => {
    const ran = runProgram('sieve.mjs');
    expect(ran.stderr).toBe('');
    expect(ran.status).toBe(0);
    const primes = ran.stdout.trim().split(' ').map(Number);
    expect(primes).toHaveLength(50);
    expect(primes.slice(0, 5)).toEqual([2, 3, 5, 7, 11]);
    expect(primes.at(-1)).toBe(229);
  });

  test('main(): a ping-pong that stops reading exits 0 with no report, as Go', () => {
    expect(runProgram('ping-pong-stops.mjs')).toEqual({ status: 0, stdout: 'hits 10\n', stderr: '' });
  });

  test('main(): a deadlock while main still waits is reported, exit status 2', () => {
    const ran = runProgram('main-waits.mjs');
    expect(ran.stderr).toBe(`${GO}goroutine 1 [chan receive]:\n    receive from chan "ch" (unbuffered)\n\ngoroutine 2 [chan receive]:\n    receive from chan "ch" (unbuffered)\n`);
    expect(ran.status).toBe(2);
    expect(ran.stdout).toBe('');
  });

  test('main(): an exit code the program set is kept, and nothing parked is reported', () => {
    expect(runProgram('main-exit-code.mjs')).toEqual({ status: 3, stdout: '', stderr: '' });
  });
});
