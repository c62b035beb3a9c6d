import { Channel, type RecvChannel } from '@gochan/channel';
import { Canceled, afterFunc, unboundedSignal, type Context } from '@gochan/context';

/*
 * JobContext is the handler's context for a job that brings a context of its
 * own: the pool's and the job's, merged. Go has no merge in its context
 * package; this is what a Go pool writes by hand with context.AfterFunc.
 *
 * Invariants:
 *  - It is cancelled as soon as either parent is, with that parent's err()
 *    and cause(); err() reads the parents, so no cancellation is missed even
 *    before a listener would run.
 *  - It is cancelled once, for good: the first err() seen is kept.
 *  - Its deadline is the earlier of the two: each parent cancels itself at
 *    its own deadline, and this context with it.
 *  - Listeners on the parents (afterFunc) exist only once done() or signal
 *    was asked for, and only until this context is cancelled: a handler that
 *    only reads err() costs one object per job and nothing more.
 *  - The pool calls end() when the job's handler returns, as Go's
 *    `defer cancel()`: the context is then cancelled and holds no listener.
 */
export class JobContext implements Context {
  /** The pool's context. */
  readonly #pool: Context;
  /** The job's own context. */
  readonly #job: Context;
  /** Why it was cancelled, set once (by the first cancellation seen) and never cleared. */
  #err: Error | undefined = undefined;
  /** The cause that came with #err. */
  #cause: unknown = undefined;
  /** Created by the first done(); closed when cancelled. */
  #done: Channel<never> | undefined = undefined;
  /** Created by the first read of signal; aborted when cancelled, with #err as reason. */
  #controller: AbortController | undefined = undefined;
  /** The stop functions of the afterFunc listeners on both parents, while they are registered. */
  #stops: (() => boolean)[] | undefined = undefined;

  constructor(pool: Context, job: Context) {
    this.#pool = pool;
    this.#job = job;
  }

  done(): RecvChannel<never> {
    if (this.#done === undefined) {
      // Read err() first: a cancellation it discovers closes #done only if #done exists.
      const cancelled = this.err() !== undefined;
      this.#done = new Channel<never>();
      if (cancelled) this.#done.close();
      else this.#watch();
    }
    return this.#done;
  }

  err(): Error | undefined {
    if (this.#err === undefined) this.#poll();
    return this.#err;
  }

  cause(): unknown {
    return this.err() === undefined ? undefined : this.#cause;
  }

  deadline(): Date | undefined {
    const pool = this.#pool.deadline();
    const job = this.#job.deadline();
    if (pool === undefined) return job;
    if (job === undefined) return pool;
    return job.getTime() < pool.getTime() ? job : pool;
  }

  /** The job's values first, then the pool's. */
  value<V = unknown>(key: unknown): V | undefined {
    const value = this.#job.value<V>(key);
    return value !== undefined ? value : this.#pool.value<V>(key);
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      const cancelled = this.err() !== undefined;
      this.#controller = new AbortController();
      // Any number of listeners, as on Go's ctx.Done(): a handler's fan-out of fetches and timers.
      unboundedSignal(this.#controller.signal);
      if (cancelled) this.#controller.abort(this.#err);
      else this.#watch();
    }
    return this.#controller.signal;
  }

  /** Go's `defer cancel()`: the job is over; cancel with Canceled unless already cancelled, and drop the listeners. */
  end(): void {
    if (this.err() === undefined) this.#cancel(Canceled, Canceled);
  }

  /** Adopts a parent's cancellation, the pool's first. */
  #poll(): void {
    const pool = this.#pool.err();
    if (pool !== undefined) {
      this.#cancel(pool, this.#pool.cause());
      return;
    }
    const job = this.#job.err();
    if (job !== undefined) this.#cancel(job, this.#job.cause());
  }

  /** Listens to both parents, once, so that done() closes and signal aborts without anyone asking err(). */
  #watch(): void {
    if (this.#stops !== undefined) return;
    const poll = (): void => {
      if (this.#err === undefined) this.#poll();
    };
    this.#stops = [afterFunc(this.#pool, poll), afterFunc(this.#job, poll)];
  }

  /** State first, then wake: record why, then close done, abort signal, and drop the listeners. */
  #cancel(err: Error, cause: unknown): void {
    this.#err = err;
    this.#cause = cause;
    this.#done?.close();
    this.#controller?.abort(err);
    const stops = this.#stops;
    this.#stops = undefined;
    if (stops !== undefined) for (const stop of stops) stop();
  }
}
