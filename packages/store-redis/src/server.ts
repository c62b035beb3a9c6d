/*
 * What a RedisStore learns of its server at open, and how it says so: why a
 * connection failed (naming the real cause, not a guess about host and
 * port), a Redis Cluster refused (see the README: why, and what to use),
 * and the server's persistence (RedisDurability), which a program shows at
 * start: a Redis that persists nothing loses every waiting job to a crash.
 */

/**
 * RedisDurability is what the server said of its persistence at open: with
 * `appendonly` on and `appendfsync` `always`, a resolved add is on disk;
 * with neither the append-only file nor snapshots (`persists` false), a
 * crash or restart of Redis loses every job it holds. (A Go program would
 * read the same with go-redis's `ConfigGet`.)
 */
export interface RedisDurability {
  /** CONFIG GET appendonly: whether the server logs every write. */
  readonly appendonly: boolean;
  /** CONFIG GET appendfsync: `always`, `everysec` or `no`. */
  readonly appendfsync: string;
  /** CONFIG GET save: the RDB snapshot schedule (`'3600 1 300 100 60 10000'`), `''` for none. */
  readonly save: string;
  /** Whether the server keeps anything across its own restart: the append-only file, or snapshots. False: a crash of Redis loses every job. */
  readonly persists: boolean;
}

type Send = <T>(command: string[]) => Promise<T>;

/** The cause of a failed first connection, for RedisStoreError: the client's message and a hint that fits it. */
export function connectError(shown: string, url: string, error: unknown): string {
  const message = String((error as Error)?.message ?? error);
  return `Cannot connect to Redis at ${shown}: ${message}${hintFor(message, url)}`;
}

function hintFor(message: string, url: string): string {
  if (/WRONGPASS|NOAUTH|invalid password|invalid username/i.test(message)) return ' (the password or user in the URL is wrong, or missing)';
  if (/SELECT is not allowed in cluster mode/i.test(message)) {
    return ' (this is a Redis Cluster node, which has database 0 only; and RedisStore refuses a cluster: use a standalone Redis)';
  }
  if (/DB index is out of range|invalid DB index/i.test(message)) {
    const db = /\/(\d+)\/?(\?.*)?$/.exec(url.replace(/^rediss?:\/\/[^/]*/, ''))?.[1];
    return ` (the database number in the URL${db === undefined ? '' : `, ${db},`} is not one this server has: it has as many as its \`databases\` setting, 16 by default, numbered from 0)`;
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ECONNRESET|timeout|no answer within|Connection timeout/i.test(message)) {
    return ' (is redis-server running there, and is the host and port right?)';
  }
  return '';
}

/**
 * checkServer says why this server cannot hold a queue, if it cannot: it is
 * a node of a Redis Cluster. A server that refuses INFO (renamed on some
 * managed services) is taken as it is.
 */
export async function checkServer(shown: string, send: Send): Promise<string | undefined> {
  let info: string;
  try {
    info = String(await send<string>(['INFO', 'cluster']));
  } catch {
    return undefined;
  }
  if (!/^cluster_enabled:1\s*$/m.test(info)) return undefined;
  return (
    `Cannot use Redis at ${shown}: it is a node of a Redis Cluster (cluster_enabled:1), and RedisStore follows no cluster redirections: ` +
    `it would work only on the node that holds the queue's slot, and only until a failover moved it. ` +
    `Use a standalone Redis (for failover, a replica with Sentinel, or a managed Redis's own), not a cluster.`
  );
}

/** readDurability reads the server's persistence settings; undefined where CONFIG is refused (some managed servers). */
export async function readDurability(send: Send): Promise<RedisDurability | undefined> {
  try {
    const append = fields(await send<string[] | Record<string, string>>(['CONFIG', 'GET', 'append*']));
    const save = fields(await send<string[] | Record<string, string>>(['CONFIG', 'GET', 'save'])).get('save') ?? '';
    const appendonly = append.get('appendonly') === 'yes';
    return { appendonly, appendfsync: append.get('appendfsync') ?? '', save, persists: appendonly || save.trim() !== '' };
  } catch {
    return undefined;
  }
}

/** A flat list of names and values, or (as this client gives it) an object of them. */
function fields(config: string[] | Record<string, string>): Map<string, string> {
  if (!Array.isArray(config)) return new Map(Object.entries(config));
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < config.length; i += 2) map.set(config[i]!, config[i + 1]!);
  return map;
}
