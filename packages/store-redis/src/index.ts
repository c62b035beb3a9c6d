/**
 * A durable store for `@gochan/pool` on Redis Streams: one queue shared by
 * many processes, each a consumer of the queue's consumer group; leases
 * taken over after a crash, tokens, retries with backoff and a dead-letter
 * stream, every change one Lua script. Node only.
 *
 * @packageDocumentation
 */
export {
  RedisStore,
  RedisStoreError,
  DEFAULT_REDIS_URL,
  DEFAULT_REDIS_QUEUE,
  type RedisStoreOptions,
  type RedisStoreStats,
} from './redis-store.js';
export type { RedisDurability } from './server.js';
export { redisKeys, type RedisKeys } from './scripts.js';
