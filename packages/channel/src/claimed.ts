import { Channel, wakeReceiver } from './channel.js';
import { ClosedChannelError, SEND_ON_CLOSED } from './errors.js';
import { pollCases, parkCases, type Case } from './select.js';
import { SelectWait } from './select-wait.js';
import { NONE, SHARED, WaitQueue, type Waiter, promiseFor } from './waiter.js';

/*
 * Selects whose one-shot claim is external: Go's `selectDone` kept outside
 * this thread's heap (in @gochan/threads, a word of shared memory), so that
 * one select can wait on channels of several threads and still run exactly
 * one case.
 *
 * In Go, a partner that dequeues a select's sudog must win
 * `selectDone.CompareAndSwap(0, 1)` before it may hand over a value, and a
 * sudog whose select has already run is skipped (chan.go, `dequeue`). Here
 * the same holds for every waiter of kind SHARED: its queue's dequeue wins
 * its claim first and drops it (with its select's other waiters on this
 * thread) when the select has run elsewhere.
 *
 * Two selects with external claims can meet here, one running a case (the
 * "running" claim) and one parked: both claims must be won together or not
 * at all. They are locked in a total order (`order`), as Go's selectgo locks
 * channels in address order (lockorder), so two threads pairing the same two
 * selects cannot each hold one and wait for the other; a lock is held only
 * for the few synchronous steps between locking and committing.
 *
 * Invariants:
 *  - A SHARED waiter is returned by dequeue only once its claim is
 *    committed; after that, its select's other waiters anywhere are stale.
 *  - `running` is non-null only inside runClaimed, between choosing a
 *    parked SHARED partner and dequeuing it; a select's state is changed
 *    only after its own claim has been committed.
 */

/**
 * ExternalClaim is the one-shot claim of a select that waits on more than
 * one thread: Go's `selectDone`, with a lock state so that two claims can be
 * taken together. Implemented by `@gochan/threads` over shared memory.
 */
export interface ExternalClaim {
  /** A total order over all claims, for locking two at once (Go's lockorder). */
  readonly order: number;
  /** Takes the claim's lock, waiting while another thread holds it; false if the select has already run or been abandoned. */
  lock(): boolean;
  /** Settles the claim for good; only after a successful lock(). */
  commit(): void;
  /** Releases the lock without settling; only after a successful lock(). */
  unlock(): void;
}

/** ClaimedSelect is a select with an external claim, parked by {@link parkClaimed}. */
export interface ClaimedSelect {
  /**
   * Settles with `[index, value, ok]` once a case ran here, rejects if the case
   * that ran sends on a closed channel, and resolves with null if the claim
   * was lost: the select ran (or was abandoned) elsewhere.
   */
  readonly promise: Promise<[number, unknown, boolean] | null>;
  /** Takes the waiting cases off their channels: the select ran, or was abandoned, elsewhere. */
  withdraw(): void;
}

/** An uncommitted claim that must be won together with the partner dequeued next (see runClaimed). */
var running: ExternalClaim | null = null;
/** Set when `running` turned out to be lost while pairing. */
var runningLost = false;

const TAKEN = 0;
const STALE = 1;
const MINE_LOST = 2;

/** Locks and commits one claim. */
function win(claim: ExternalClaim): boolean {
  if (!claim.lock()) return false;
  claim.commit();
  return true;
}

/** Wins `mine` and `theirs` together, locking them in order. */
function winBoth(mine: ExternalClaim, theirs: ExternalClaim): typeof TAKEN | typeof STALE | typeof MINE_LOST {
  if (mine === theirs) throw new Error('gochan: internal error: a select paired with itself');
  const first = mine.order < theirs.order ? mine : theirs;
  const second = first === mine ? theirs : mine;
  if (!first.lock()) return first === mine ? MINE_LOST : STALE;
  if (!second.lock()) {
    first.unlock();
    return second === mine ? MINE_LOST : STALE;
  }
  first.commit();
  second.commit();
  return TAKEN;
}

/**
 * SharedWaitQueue is the class a channel's wait queue takes on (for good)
 * when a waiter of kind SHARED is first queued on it: its dequeue is Go's,
 * which wins a select's `selectDone` before it returns one of its sudogs.
 * Every other queue keeps WaitQueue's dequeue, which has no such test, so a
 * channel that no select across threads ever waited on pays nothing for
 * them (its send and receive sites see one class of queue).
 */
class SharedWaitQueue<T> extends WaitQueue<T> {
  override dequeue(): Waiter<T> | null {
    const waiter = this.head;
    if (waiter !== null && waiter.kind === SHARED) return dequeueShared(this);
    return super.dequeue();
  }
}

/**
 * Makes the queues that `cases` park on (this thread's channels; null cases
 * and foreign channels have none) SharedWaitQueues, before SHARED waiters are
 * queued there. The queue keeps its identity (its waiters point at it): only
 * its prototype changes, once.
 */
function shareQueues(cases: readonly Case[]): void {
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    if (c == null || c.channel === null) continue;
    const channel = c.channel as Channel<unknown>;
    if (channel.foreign) continue;
    const queue = c.op === 'recv' ? channel.recvq : channel.sendq;
    if (!(queue instanceof SharedWaitQueue)) Object.setPrototypeOf(queue, SharedWaitQueue.prototype);
  }
}

/**
 * SharedWaitQueue's dequeue when its head is SHARED: Go's dequeue loop, which
 * skips sudogs whose select has already fired.
 */
function dequeueShared<T>(queue: WaitQueue<T>): Waiter<T> | null {
  for (;;) {
    const waiter = queue.head;
    if (waiter === null) return null;
    if (waiter.kind !== SHARED) {
      // A plain waiter behind dropped ones: a running claim is won alone.
      if (running !== null) {
        if (!win(running)) {
          runningLost = true;
          return null;
        }
        running = null;
      }
      queue.unlink(waiter);
      return waiter;
    }
    const select = waiter.select as SelectWait;
    const theirs = select.external as ExternalClaim;
    const outcome = running === null ? (win(theirs) ? TAKEN : STALE) : winBoth(running, theirs);
    if (outcome === TAKEN) {
      running = null;
      queue.unlink(waiter);
      return waiter;
    }
    if (outcome === MINE_LOST) {
      runningLost = true;
      return null;
    }
    // Its select ran elsewhere: none of its waiters here can happen any more.
    select.withdraw();
  }
}

/**
 * pollClaimed runs, on this thread, the part of a select that waits on this
 * thread's channels, when the select's one-shot claim is external
 * (`@gochan/threads` calls it on the thread that owns the channels). It
 * polls `cases` as {@link select} does, runs a ready case only after winning
 * `claim`, and returns `[index, value, ok]`; it returns null if the claim
 * was lost (the select ran elsewhere), and undefined if no case was ready,
 * when the caller parks the cases ({@link parkClaimedThen}, {@link
 * parkClaimed}); a partner that arrives later wins the claim before it runs
 * one. It throws if the case that ran sends on a closed channel. Nothing is
 * allocated for an operation that completes at once.
 *
 * @param cases - Cases on channels of this thread.
 * @param claim - The select's one-shot claim, shared with its other parts.
 */
export function pollClaimed(cases: readonly Case[], claim: ExternalClaim): [number, unknown, boolean] | null | undefined {
  for (;;) {
    const chosen = pollCases(cases);
    if (chosen < 0) return undefined;
    const outcome = runClaimed(cases, chosen, claim);
    if (outcome !== RETRY) return outcome === LOST ? null : outcome;
  }
}

/**
 * parkClaimed parks `cases` (those on this thread's channels; others are
 * skipped) as waiters of a select whose claim is external, without polling:
 * the caller has just polled them. Its promise settles when a partner on
 * this thread runs one of them.
 */
export function parkClaimed(cases: readonly Case[], claim: ExternalClaim): ClaimedSelect {
  const wait = new SelectWait(undefined);
  wait.external = claim;
  const promise = promiseFor<[number, unknown, boolean]>(wait);
  shareQueues(cases);
  parkCases(cases, wait, SHARED);
  return { promise, withdraw: () => wait.withdraw() };
}

/**
 * parkClaimedThen is {@link parkClaimed} with callbacks in place of a
 * promise, for the thread that is home to the channels and answers another
 * thread's operation: `done` is called with `[index, value, ok]` when a
 * partner here runs one of the cases, inside that partner's operation (so it
 * must only record or post, never operate on a channel); `failed` with the
 * error when the case that ran sends on a closed channel. Neither is called
 * once `withdraw()` has been.
 *
 * @returns What takes the waiting cases off their channels.
 */
export function parkClaimedThen(
  cases: readonly Case[],
  claim: ExternalClaim,
  done: (result: [number, unknown, boolean]) => void,
  failed: (error: unknown) => void,
): Pick<ClaimedSelect, 'withdraw'> {
  const wait = new SelectWait(undefined);
  wait.external = claim;
  wait.resolve = done;
  wait.reject = failed;
  shareQueues(cases);
  parkCases(cases, wait, SHARED);
  return wait;
}

const RETRY = 0;
const LOST = 1;

/**
 * Runs a case that the poll found ready, winning the claim first; RETRY when
 * the poll's partner turned out to be stale (poll again), LOST when the
 * claim was lost.
 */
function runClaimed(cases: readonly Case[], index: number, claim: ExternalClaim): [number, unknown, boolean] | typeof RETRY | typeof LOST {
  const c = cases[index] as { op: 'recv' | 'send'; channel: Channel<unknown>; value?: unknown };
  const channel = c.channel;
  if (c.op === 'recv') {
    if (channel.buffer.length > 0) {
      if (!win(claim)) return LOST;
      return [index, channel.take(), true];
    }
    if (channel.sendq.head !== null) {
      const paired = pairWith(channel.sendq, claim);
      if (paired === LOST) return LOST;
      const value = channel.take();
      const lost = settlePairing();
      if (value !== NONE) return [index, value, true];
      return lost ? LOST : RETRY;
    }
    if (!win(claim)) return LOST;
    return [index, undefined, false]; // closed and drained
  }
  if (channel.isClosed) {
    if (!win(claim)) return LOST;
    throw new ClosedChannelError(SEND_ON_CLOSED);
  }
  if (channel.recvq.head !== null) {
    if (pairWith(channel.recvq, claim) === LOST) return LOST;
    const receiver = channel.recvq.dequeue();
    const lost = settlePairing();
    if (receiver !== null) {
      wakeReceiver(receiver, c.value, true, channel.capacity > 0 && channel.recvq.head === null);
      return [index, undefined, true];
    }
    return lost ? LOST : RETRY;
  }
  if (channel.buffer.length < channel.capacity) {
    if (!win(claim)) return LOST;
    channel.buffer.put(c.value);
    return [index, undefined, true];
  }
  return RETRY;
}

/**
 * Before dequeuing a partner from `queue`: a SHARED head is won together
 * with `claim` inside the dequeue (running); a plain head lets `claim` be
 * won now, alone.
 */
function pairWith(queue: WaitQueue<unknown>, claim: ExternalClaim): typeof RETRY | typeof LOST {
  if ((queue.head as Waiter).kind === SHARED) {
    running = claim;
    runningLost = false;
    return RETRY;
  }
  return win(claim) ? RETRY : LOST;
}

/** After the dequeue: whether the running claim was lost; clears it. */
function settlePairing(): boolean {
  const lost = runningLost;
  running = null;
  runningLost = false;
  return lost;
}

