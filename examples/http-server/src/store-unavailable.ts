/**
 * StoreUnavailable is a submit's failure that is the store's condition, not
 * the server's bug: the request is answered 503 with `Retry-After`.
 */
export interface StoreUnavailable {
  /** Why, in one line: the store's own message. */
  readonly reason: string;
  /**
   * True when the store says the task was not stored (a SQLite transaction
   * rolled back, a Redis command never sent, an error whose `stored` is
   * false); false when it cannot say: a command sent and not answered in
   * time may still be applied, and the task run.
   */
  readonly notStored: boolean;
  /** The `Retry-After`, in whole seconds: the store's own `retryAfterMs` rounded up, else {@link RETRY_AFTER_S}. */
  readonly retryAfterS: number;
}

/** RETRY_AFTER_S is the `Retry-After` of a 503 for a store that is unavailable, in seconds: about a Redis reconnection or a SQLite busy wait. */
export const RETRY_AFTER_S = 5;

/** The `errno` codes of a peer or a disk that is not there for now (Node's system errors). */
const SYSTEM_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTCONN', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN',
  'EAI_AGAIN', 'ENOSPC', 'EDQUOT', 'EFBIG', 'EIO', 'EROFS', 'EMFILE', 'ENFILE', 'ENOMEM',
]);
/** The codes before which a Redis command was never sent: nothing can have been stored. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTCONN']);

/**
 * SQLite's result codes (better-sqlite3's `SqliteError.code`) of a file that
 * cannot take a write now: a full disk (SQLITE_FULL), another writer holding
 * the lock past the busy timeout, an I/O error, a read-only file. SQL errors
 * and misuse are bugs: not here.
 */
const SQLITE_CODES = /^SQLITE_(FULL|BUSY|LOCKED|IOERR|READONLY|CANTOPEN|PROTOCOL|NOMEM|NOLFS)(_|$)/;

/** node-redis's error classes (by constructor name) of a connection that is down or slow. */
const REDIS_CLASSES = new Set([
  'ConnectionTimeoutError', 'SocketTimeoutError', 'ClientOfflineError', 'ClientClosedError', 'SocketClosedUnexpectedlyError',
  'ReconnectStrategyError', 'TimeoutError', 'RootNodesUnavailableError', 'DisconnectsClientError',
]);
const REDIS_NEVER_SENT = new Set(['ClientOfflineError', 'ClientClosedError']);

/** Redis's error replies of a server that cannot take a write now (loading, out of memory, unable to persist, a replica, a cluster in failover). */
const REDIS_REPLIES = /^(LOADING|MISCONF|READONLY|OOM|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOREPLICAS)\b/;

/** A store's own words for "not answered in time": the Redis store's watchdog, a typed error's name. */
const TIMEOUT_WORDS = /\b(did not answer within|timed out|not stored in time|store (is )?unavailable)\b/i;

/**
 * storeUnavailable says whether `error`, rejected by a submit, means the
 * store is unavailable (503) rather than a bug (500). It looks at the error
 * and its `cause`s, by shape rather than by class, so that the HTTP layer
 * needs no store package:
 *
 * - an error whose `name` (or class) ends in `UnavailableError` or
 *   `TimeoutError`, such as `@gochan/pool`'s `StoreUnavailableError`; its
 *   `stored: false` says the task was not stored, and its `retryAfterMs`
 *   sets `Retry-After`;
 * - a system error of the network or the disk (`ECONNREFUSED`, `ENOSPC`…);
 * - a SQLite code of a full, busy, failing or read-only file (`SQLITE_FULL`…);
 *   SQLite rolled the transaction back: not stored;
 * - node-redis's errors of a connection down or slow, and Redis's error
 *   replies of a server that cannot take writes now (`LOADING`, `MISCONF`…);
 * - a message that says the store did not answer in time (the Redis
 *   store's watchdog: `Redis did not answer within 5000 ms`).
 *
 * @returns undefined for anything else: a bug, answered 500.
 */
export function storeUnavailable(error: unknown): StoreUnavailable | undefined {
  const seen = new Set<unknown>();
  for (let cause = error; cause instanceof Error && !seen.has(cause) && seen.size < 8; cause = cause.cause) {
    seen.add(cause);
    const found = classify(cause);
    if (found !== undefined) {
      return { reason: oneLine((error as Error).message || found.reason), notStored: found.notStored, retryAfterS: retryAfter(error as Error, cause) };
    }
  }
  return undefined;
}

type Found = Omit<StoreUnavailable, 'retryAfterS'>;

function classify(error: Error): Found | undefined {
  const { code, stored } = error as { code?: unknown; stored?: unknown };
  const names = [error.name, error.constructor?.name ?? ''];
  const reason = error.message;
  if (names.some((name) => /(Unavailable|Timeout)Error$/.test(name))) {
    return { reason, notStored: stored === false || names.some((name) => REDIS_NEVER_SENT.has(name)) };
  }
  if (typeof code === 'string') {
    if (SQLITE_CODES.test(code)) return { reason, notStored: true };
    if (SYSTEM_CODES.has(code)) return { reason, notStored: stored === false || NEVER_SENT.has(code) };
  }
  if (names.some((name) => REDIS_CLASSES.has(name))) return { reason, notStored: names.some((name) => REDIS_NEVER_SENT.has(name)) };
  if (REDIS_REPLIES.test(reason)) return { reason, notStored: true };
  if (TIMEOUT_WORDS.test(reason)) return { reason, notStored: stored === false };
  return undefined;
}

/** The wait a store asks for (`retryAfterMs`, on the error or the cause found), in whole seconds, at least 1. */
function retryAfter(error: Error, cause: Error): number {
  for (const candidate of [error, cause]) {
    const ms = (candidate as { retryAfterMs?: unknown }).retryAfterMs;
    if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) return Math.max(1, Math.ceil(ms / 1000));
  }
  return RETRY_AFTER_S;
}

/** A reason fit for one line of a body or a log: no line breaks, not too long. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}
