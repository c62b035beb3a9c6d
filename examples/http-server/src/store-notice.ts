import type { StoreSetting } from './store-setting.js';

/**
 * storeWhere says where the tasks are kept, for the line the server prints
 * at start: `Tasks in data/tasks.db (SQLite, queue tasks)`, `Tasks on
 * redis://127.0.0.1:6379/0 (Redis, queue tasks)` (a password in the URL
 * shown as `***`), `Tasks in memory (lost when the process stops)`.
 */
export function storeWhere(setting: StoreSetting, queue: string): string {
  switch (setting.kind) {
    case 'memory':
      return 'Tasks in memory (lost when the process stops)';
    case 'sqlite':
      return `Tasks in ${setting.path} (SQLite, queue ${queue})`;
    case 'redis':
      return `Tasks on ${shownUrl(setting.url)} (Redis, queue ${queue})`;
  }
}

/** A Redis URL fit to print: its password (and user) replaced by `***`. */
export function shownUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/**
 * RedisPersistence is what a Redis store read of its server's persistence
 * at open (`RedisStore.durability`): `CONFIG GET appendonly`, `appendfsync`
 * and, where the store reads it, `save` and whether anything persists.
 */
export interface RedisPersistence {
  readonly appendonly: boolean;
  readonly appendfsync: string;
  /** The RDB snapshot schedule, `''` for none; undefined where the store does not read it. */
  readonly save?: string | undefined;
  /** False when neither the append-only file nor snapshots keep anything; undefined where the store does not say. */
  readonly persists?: boolean | undefined;
}

/**
 * redisWarnings are the lines the server prints on stderr at start about a
 * Redis whose persistence can lose tasks answered 200: one that persists
 * nothing (no append-only file, no snapshots: its crash or restart loses
 * every waiting task), one with snapshots only (it loses what came since
 * the last), one that fsyncs less often than every write, and one that
 * would not say (CONFIG refused: `durability` undefined).
 */
export function redisWarnings(url: string, durability: RedisPersistence | undefined): string[] {
  const at = `Redis at ${shownUrl(url)}`;
  if (durability === undefined) {
    return [`Warning: ${at} refused CONFIG GET, so its persistence is unknown: make sure it has appendonly yes (appendfsync always), or a crash of Redis may lose tasks answered 200`];
  }
  const { appendonly, appendfsync, save } = durability;
  const persists = durability.persists ?? (save === undefined ? undefined : appendonly || save.trim() !== '');
  if (persists === false) {
    return [
      `Warning: ${at} persists nothing (appendonly no, no save snapshots): a crash or restart of Redis loses every waiting task. ` +
        'Set appendonly yes (appendfsync always) to keep every task answered 200',
    ];
  }
  if (!appendonly) {
    const snapshots = save === undefined ? 'at most its save snapshots, if it has any' : `only its save snapshots (${save})`;
    return [`Warning: ${at} has appendonly no, and keeps ${snapshots}: a crash of Redis loses the tasks answered 200 since the last one. Set appendonly yes (appendfsync always) to keep them all`];
  }
  if (appendfsync !== 'always') {
    return [`Warning: ${at} has appendfsync ${appendfsync}: a crash of its machine may lose the tasks answered 200 in the last second or so. Set appendfsync always to keep them all`];
  }
  return [];
}
