import type { ClaimedJob } from './store.js';

/** ParkedClaim is what {@link parkClaim} needs of a store whose claims are synchronous underneath (memory, SQLite). */
export interface ParkedClaim {
  /** The caller's signal: aborting it ends the wait, rejecting with its reason. */
  readonly signal: AbortSignal;
  /** Leases what is ready now, or returns []; may throw (the claim then rejects). */
  claimNow(): ClaimedJob[];
  /** When, in ms since the epoch, something known may come due (a retry, a lease's end); undefined for nothing known. */
  nextDue(): number | undefined;
  /** Registers `wake`, to be called at every change that may let a claim succeed. */
  park(wake: () => void): void;
  /** Removes a `wake` that park registered. */
  unpark(wake: () => void): void;
  /** Why the store can no longer claim (it was closed), if so: the claim rejects with it. */
  closed?(): Error | undefined;
}

/**
 * parkClaim waits until `claimNow` leases at least one job: the parked half
 * of a store's `claim`, for stores that can claim synchronously. It looks
 * again at each wake and when the next known due time comes.
 *
 * The claim is one-shot: claimNow may itself wake every parked claim (it
 * changed the store), this one included, so a wake that comes while this
 * claim is claiming, or after it settled, does nothing. Without that, a
 * nested claimNow could lease jobs that the outer call then drops, leaving
 * them leased to nobody until their lease ran out.
 */
export function parkClaim(claim: ParkedClaim): Promise<ClaimedJob[]> {
  const { signal } = claim;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    /** Set once settled: a later wake (wake lists are copied before calling) does nothing. */
    let settled = false;
    /** Set while claimNow runs: it wakes every parked claim, this one too. */
    let claiming = false;
    const settle = (): void => {
      settled = true;
      claim.unpark(look);
      signal.removeEventListener('abort', abort);
      if (timer !== undefined) clearTimeout(timer);
    };
    const abort = (): void => {
      if (settled) return;
      settle();
      reject(signal.reason);
    };
    const look = (): void => {
      if (settled || claiming) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      let jobs: ClaimedJob[];
      claiming = true;
      try {
        const closed = claim.closed?.();
        if (closed !== undefined) throw closed;
        jobs = claim.claimNow();
      } catch (error) {
        settle();
        reject(error);
        return;
      } finally {
        claiming = false;
      }
      if (jobs.length > 0) {
        settle();
        resolve(jobs);
        return;
      }
      const due = claim.nextDue();
      if (due !== undefined) timer = setTimeout(look, Math.max(0, due - Date.now()) + 1);
    };
    claim.park(look);
    signal.addEventListener('abort', abort, { once: true });
    look();
  });
}
