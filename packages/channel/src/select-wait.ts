import type { ExternalClaim } from './claimed.js';
import type { Waiter } from './waiter.js';

/**
 * SelectWait is a select that found no case ready and parked one waiter per
 * case. Its `fired` flag is the one-shot claim that makes exactly one case
 * run (Go's `selectDone`): the first partner, close or abort to reach any of
 * its waiters settles it, and in that same synchronous step every sibling
 * waiter is unlinked from its queue, so no other partner can find one.
 */
export class SelectWait {
  /** Set once, by whichever of fire/fail/abort comes first. */
  fired = false;
  /** One waiter per non-null case, in the (random) order they were queued. */
  readonly waiters: Waiter[] = [];
  /** The select's promise callbacks. */
  resolve: (value: any) => void = noop;
  reject: (reason: unknown) => void = noop;

  /**
   * The claim that stands for `fired` across threads, or null for a select
   * whose cases all wait on this thread. With one, `fired` only records that
   * this thread's part has settled: whoever dequeues one of its waiters wins
   * the external claim first (claimed.ts), and its owner withdraws the rest.
   */
  external: ExternalClaim | null = null;

  constructor(private readonly signal: AbortSignal | undefined) {}

  /** Unlinks every waiter without running a case: the select ran, or was abandoned, elsewhere. */
  withdraw(): void {
    if (!this.fired) this.claim(null);
  }

  /** The case of `winner` ran: a receive got (value, ok), or a send delivered its value. */
  fire(winner: Waiter, value: unknown, ok: boolean): void {
    this.claim(winner);
    this.resolve([winner.index, value, ok]);
  }

  /** The send case of `winner` found its channel closed: the select rejects, as Go's panics. */
  fail(winner: Waiter, error: Error): void {
    this.claim(winner);
    this.reject(error);
  }

  /** The select's signal aborted: no case ran. */
  handleEvent(): void {
    if (this.fired) return;
    this.claim(null);
    this.reject((this.signal as AbortSignal).reason);
  }

  private claim(winner: Waiter | null): void {
    if (this.fired) throw new Error('gochan: internal error: a select settled twice');
    this.fired = true;
    for (const waiter of this.waiters) if (waiter !== winner) waiter.queue?.remove(waiter);
    if (this.signal !== undefined) this.signal.removeEventListener('abort', this);
  }
}

function noop(): void {}
