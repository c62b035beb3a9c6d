import { connect } from 'node:net';
import { describe, expect, test } from 'vitest';
import { storeUnavailable } from './store-unavailable.js';

// The errors below have the shapes the stores reject a submit with today
// (the end-to-end tests of the pool version meet the real ones: a Redis
// stopped mid-submit, a SQLite file on a full disk); the classes are named
// as node-redis and better-sqlite3 name theirs, since the HTTP layer
// depends on neither.

/** A real system error: a connection refused by a closed port. */
function refused(): Promise<Error> {
  return new Promise((resolve) => {
    const socket = connect({ port: 1, host: '127.0.0.1' });
    socket.on('error', resolve);
  });
}

class SqliteError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
  }
}
class ClientOfflineError extends Error {}
class SocketClosedUnexpectedlyError extends Error {}
class ErrorReply extends Error {}

describe('storeUnavailable: 503, not 500', () => {
  test("the Redis store's watchdog (a command not answered in time): unavailable, and the task may yet be stored", () => {
    expect(storeUnavailable(new Error('Redis did not answer within 5000 ms'))).toEqual({ reason: 'Redis did not answer within 5000 ms', notStored: false, retryAfterS: 5 });
  });

  test('a full disk, a busy file, an I/O error (SQLite codes): unavailable, and not stored (the transaction rolled back)', () => {
    for (const code of ['SQLITE_FULL', 'SQLITE_BUSY', 'SQLITE_IOERR_WRITE', 'SQLITE_READONLY']) {
      expect(storeUnavailable(new SqliteError('database or disk is full', code)), code).toEqual({ reason: 'database or disk is full', notStored: true, retryAfterS: 5 });
    }
  });

  test('a connection refused (a real ECONNREFUSED): unavailable, never sent', async () => {
    const error = await refused();
    expect(storeUnavailable(error)).toMatchObject({ notStored: true });
  });

  test("node-redis's offline and dropped connections, and Redis's LOADING, MISCONF, READONLY, OOM replies", () => {
    expect(storeUnavailable(new ClientOfflineError('The client is offline'))).toEqual({ reason: 'The client is offline', notStored: true, retryAfterS: 5 });
    expect(storeUnavailable(new SocketClosedUnexpectedlyError('Socket closed unexpectedly'))).toMatchObject({ notStored: false });
    for (const reply of ['LOADING Redis is loading the dataset in memory', 'MISCONF Redis is configured to save RDB snapshots, but it is unable to persist', 'READONLY You can\'t write against a read only replica.', 'OOM command not allowed']) {
      expect(storeUnavailable(new ErrorReply(reply)), reply).toEqual({ reason: reply, notStored: true, retryAfterS: 5 });
    }
  });

  test("a store's typed error (as @gochan/pool's StoreUnavailableError): by its name; `stored: false` is not stored, `retryAfterMs` the Retry-After", () => {
    class StoreUnavailableError extends Error {
      override name = 'StoreUnavailableError';
      constructor(message: string, readonly stored: boolean, readonly retryAfterMs?: number) {
        super(message);
      }
    }
    expect(storeUnavailable(new StoreUnavailableError('Redis down: not stored', false, 1_500))).toEqual({ reason: 'Redis down: not stored', notStored: true, retryAfterS: 2 });
    expect(storeUnavailable(new StoreUnavailableError('Redis slow', true))).toEqual({ reason: 'Redis slow', notStored: false, retryAfterS: 5 });
    expect(storeUnavailable(new StoreUnavailableError('soon', false, 0))?.retryAfterS).toBe(1);
    const wrapped = new Error('Cannot submit job "x"', { cause: new SqliteError('database or disk is full', 'SQLITE_FULL') });
    expect(storeUnavailable(wrapped)).toEqual({ reason: 'Cannot submit job "x"', notStored: true, retryAfterS: 5 });
  });

  test('a reason is one line, however the store words it', () => {
    expect(storeUnavailable(new Error('Redis did not answer within 5000 ms\nsecond line'))?.reason).toBe('Redis did not answer within 5000 ms second line');
  });
});

describe('storeUnavailable: a bug stays a 500', () => {
  test('type and range errors, SQL errors, a closed store, anything else', () => {
    const bugs: unknown[] = [
      new TypeError('Cannot submit job "x": its payload cannot be encoded'),
      new RangeError('Expected `max` to be a positive integer'),
      new SqliteError('UNIQUE constraint failed', 'SQLITE_CONSTRAINT_UNIQUE'),
      new SqliteError('no such table: gochan_jobs', 'SQLITE_ERROR'),
      new Error('The RedisStore is closed'),
      new ErrorReply('ERR Error running script'),
      new Error('boom'),
      'a string',
      undefined,
    ];
    for (const bug of bugs) expect(storeUnavailable(bug), String(bug)).toBeUndefined();
  });

  test('a cycle of causes ends', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(storeUnavailable(a)).toBeUndefined();
  });
});
