/**
 * The worker pool of the articles, built in the open from `@gochan/channel`,
 * `@gochan/waitgroup` and `@gochan/context`: a bounded queue of jobs (a
 * buffered Channel), a fixed set of workers ranging over it, a WaitGroup
 * counting them and a Context cancelling them; with backpressure, per-job
 * deadlines, graceful shutdown with a timeout, error tracking and stats.
 *
 * @packageDocumentation
 */
export { WorkerPool, CANCEL_GRACE_MS } from './pool.js';
export { LeaseLostError, PoolClosedError, StoreUnavailableError, type StoreUnavailableReason } from './errors.js';
export { checkClaimMax, checkClaimedJob, checkNewStoredJob, checkRetryAt } from './store-checks.js';
export { StoreClosedError } from './store-closed.js';
export { DEFAULT_MAX_ATTEMPTS, DEFAULT_QUEUE_SIZE, MAX_JOB_ID_LENGTH, defaultBackoff, type PoolOptions } from './options.js';
export { jsonCodec, type Codec, type JsonPayload, type PayloadCodec } from './codec.js';
export type { FeedStats } from './store-feed.js';
export type { ErrorHandler, Handler, Job } from './job.js';
export type { ThreadLimits } from './thread-handler.js';
export type { FailEvent, FinishEvent, PoolObserver, RetryEvent, ShutdownEvent, StartEvent, SubmitEvent } from './observer.js';
export {
  DEFAULT_BUCKETS,
  DEFAULT_SAMPLE_EVERY,
  POOL_METRICS,
  type Float64Histogram,
  type MetricDescription,
  type MetricsOptions,
  type PoolMetrics,
} from './metrics.js';
export type { PoolStats, ShutdownReport, StoreStats, WorkerStats } from './stats.js';
export type { Worker, WorkerState } from './worker.js';
export type { ClaimedJob, NewStoredJob, Store, StoreCounts, SubmitResult } from './store.js';
export { parkClaim, type ParkedClaim } from './park-claim.js';
export {
  MemoryStore,
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_CRASHES,
  checkLease,
  checkMaxCrashes,
  type DeadJob,
  type MemoryStoreOptions,
} from './memory-store.js';
