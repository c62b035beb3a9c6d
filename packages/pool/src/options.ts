import type { Context } from '@gochan/context';
import { describe } from './errors.js';
import type { ErrorHandler, Handler } from './job.js';

/**
 * DEFAULT_QUEUE_SIZE is the queue's capacity when `queueSize` is not given:
 * the buffered channel of the first article, Go's `make(chan Job, 100)`.
 */
export const DEFAULT_QUEUE_SIZE = 100;

/**
 * PoolOptions configures a {@link WorkerPool}. Each option is a knob one of
 * the articles turns in Go: the number of workers (`startWorkers(n)`), the
 * buffered channel's size, the work itself, the context that cancels the
 * pool, and the error log.
 */
export interface PoolOptions<P, R> {
  /** How many jobs run at once: the worker loops started (`startWorkers(n)`). A positive integer. */
  workers: number;
  /**
   * The capacity of the jobs channel: how many submitted jobs wait for a
   * worker before `submit` waits too (backpressure). 0 makes the channel
   * unbuffered: a submit then waits until a worker takes the job.
   * @default 100
   */
  queueSize?: number | undefined;
  /** The work of one job; see {@link Handler}. */
  handler: Handler<P, R>;
  /**
   * The parent of the pool's context. Cancelling it stops the pool as a
   * shutdown with no time left would: running handlers see their context
   * cancelled, queued jobs are not started, and no job is taken any more.
   * @default background()
   */
  ctx?: Context | undefined;
  /**
   * Told about every job submitted with `submit` or `trySubmit` that fails
   * (`run` hands the error to its caller instead). It must not throw; if it
   * does, the error is logged and the worker goes on.
   * @default logs the job's id and the error with `console.error`
   */
  onError?: ErrorHandler<P> | undefined;
}

/** The options with defaults applied, checked. */
export interface ResolvedOptions<P, R> {
  workers: number;
  queueSize: number;
  handler: Handler<P, R>;
  ctx: Context | undefined;
  onError: ErrorHandler<P>;
}

/** The default onError: the first article's `log.Printf("Job failed: %v", err)`, naming the job. */
export function logError(error: unknown, job: { id: string }): void {
  console.error(`pool: job ${job.id} failed:`, error);
}

/**
 * resolveOptions checks the constructor's options and applies the defaults.
 * @throws TypeError or RangeError naming the option and the value received.
 */
export function resolveOptions<P, R>(options: PoolOptions<P, R>): ResolvedOptions<P, R> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got ${describe(options)}`);
  }
  const { workers, queueSize = DEFAULT_QUEUE_SIZE, handler, ctx, onError = logError } = options;
  checkInteger('workers', workers, 1, 'a positive integer');
  checkInteger('queueSize', queueSize, 0, 'a non-negative integer');
  if (typeof handler !== 'function') {
    throw new TypeError(`Expected \`handler\` to be a function, got ${describe(handler)}`);
  }
  if (ctx !== undefined && !isContext(ctx)) {
    throw new TypeError(`Expected \`ctx\` to be a Context, got ${describe(ctx)}`);
  }
  if (typeof onError !== 'function') {
    throw new TypeError(`Expected \`onError\` to be a function, got ${describe(onError)}`);
  }
  return { workers, queueSize, handler, ctx, onError };
}

/**
 * checkTimeout checks shutdown's `timeout`: a non-negative number of
 * milliseconds, `Infinity` or undefined to wait as long as it takes.
 */
export function checkTimeout(timeout: unknown): number | undefined {
  if (timeout === undefined || timeout === Infinity) return undefined;
  if (typeof timeout !== 'number') {
    throw new TypeError(`Expected \`timeout\` to be a number of milliseconds, got ${describe(timeout)}`);
  }
  if (!(timeout >= 0)) {
    throw new RangeError(`Expected \`timeout\` to be a non-negative number of milliseconds, got ${describe(timeout)}`);
  }
  return timeout;
}

/** isContext: whether `value` has a Context's methods (any implementation will do). */
export function isContext(value: unknown): value is Context {
  const candidate = value as Partial<Record<keyof Context, unknown>> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.err === 'function' &&
    typeof candidate.done === 'function' &&
    typeof candidate.deadline === 'function'
  );
}

function checkInteger(name: string, value: unknown, min: number, expected: string): asserts value is number {
  if (typeof value !== 'number') {
    throw new TypeError(`Expected \`${name}\` to be ${expected}, got ${describe(value)}`);
  }
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`Expected \`${name}\` to be ${expected}, got ${describe(value)}`);
  }
}
