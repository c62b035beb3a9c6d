/**
 * CANCEL_GRACE_MS is how long shutdown waits, after its timeout, for
 * handlers to return once their context is cancelled, before it reports them
 * unfinished: the bounded moment Go's `http.Server.Shutdown` leaves to the
 * caller. Long enough for a handler that honours its context to unwind (an
 * aborted fetch, a cleared timer); short enough not to hold a shutdown
 * hostage. A module handler (on a thread) that has not returned this long
 * after its context was cancelled has its thread ended.
 */
export const CANCEL_GRACE_MS = 100;
