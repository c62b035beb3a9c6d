/**
 * Go's `context` for TypeScript: trees of cancellation, deadlines, values
 * and causes, where every context also exposes an `AbortSignal` to hand to
 * `fetch`, streams and timers, and a `done()` channel to `select` on.
 *
 * @packageDocumentation
 */
export { cause, isContext, type CancelCauseFunc, type CancelFunc, type Context } from './context.js';
export { Canceled, DeadlineExceeded } from './errors.js';
export { background, todo, withoutCancel } from './background.js';
export { withCancel, withCancelCause } from './cancel-context.js';
export { withDeadline, withDeadlineCause, withTimeout, withTimeoutCause } from './deadline.js';
export { withValue } from './value.js';
export { afterFunc } from './after-func.js';
export { fromSignal } from './from-signal.js';
export { unboundedSignal } from './listeners.js';
