import { describe, expect, test } from 'vitest';
import { redisWarnings, shownUrl, storeWhere } from './store-notice.js';

describe('storeWhere', () => {
  test('says where the tasks are kept, with the queue, and no password', () => {
    expect(storeWhere({ kind: 'sqlite', path: 'data/tasks.db' }, 'tasks')).toBe('Tasks in data/tasks.db (SQLite, queue tasks)');
    expect(storeWhere({ kind: 'redis', url: 'redis://:s3cret@10.0.0.5:6379/2' }, 'emails')).toBe('Tasks on redis://***@10.0.0.5:6379/2 (Redis, queue emails)');
    expect(storeWhere({ kind: 'memory' }, 'tasks')).toBe('Tasks in memory (lost when the process stops)');
    expect(shownUrl('rediss://user:pw@host/0')).toBe('rediss://***@host/0');
  });
});

describe('redisWarnings', () => {
  const url = 'redis://127.0.0.1:6379/0';

  test('a Redis that persists nothing: appendonly no and no snapshots, as the store says it or as read from save', () => {
    for (const durability of [
      { appendonly: false, appendfsync: 'everysec', save: '', persists: false },
      { appendonly: false, appendfsync: 'everysec', save: '  ' },
    ]) {
      const [warning, ...rest] = redisWarnings(url, durability);
      expect(rest).toEqual([]);
      expect(warning).toMatch(/^Warning: Redis at redis:\/\/127\.0\.0\.1:6379\/0 persists nothing \(appendonly no, no save snapshots\): a crash or restart of Redis loses every waiting task\. /);
    }
  });

  test('snapshots only, or a store that does not read save: a warning that says so, not "persists nothing"', () => {
    expect(redisWarnings(url, { appendonly: false, appendfsync: 'everysec', save: '3600 1' })).toEqual([expect.stringMatching(/has appendonly no, and keeps only its save snapshots \(3600 1\)/)]);
    expect(redisWarnings(url, { appendonly: false, appendfsync: 'everysec' })).toEqual([expect.stringMatching(/has appendonly no, and keeps at most its save snapshots, if it has any/)]);
  });

  test('appendfsync everysec: a warning; appendonly with appendfsync always: none', () => {
    expect(redisWarnings(url, { appendonly: true, appendfsync: 'everysec', save: '' })).toEqual([expect.stringMatching(/has appendfsync everysec: a crash of its machine may lose/)]);
    expect(redisWarnings(url, { appendonly: true, appendfsync: 'always', save: '' })).toEqual([]);
  });

  test('CONFIG refused: the persistence is unknown, and the warning says what to check', () => {
    expect(redisWarnings('redis://:pw@h:1/0', undefined)).toEqual([expect.stringMatching(/^Warning: Redis at redis:\/\/\*\*\*@h:1\/0 refused CONFIG GET, so its persistence is unknown/)]);
  });
});
