// The two errors a context's err() can return. They are values, compared by
// identity as in Go (`ctx.err() === Canceled`), and their names are the ones
// the platform gives to the reasons of `AbortController.abort()` and
// `AbortSignal.timeout()`, so code written for AbortSignal recognises them.

/**
 * Canceled is the error {@link Context.err} returns when the context was
 * cancelled, like Go's `context.Canceled`. Its message is Go's text,
 * "context canceled"; its `name` is "AbortError", the name of the reason a
 * plain `AbortController.abort()` gives, since it is also the reason of the
 * context's {@link Context.signal}.
 */
export const Canceled: Error = named(new Error('context canceled'), 'AbortError');

/**
 * DeadlineExceeded is the error {@link Context.err} returns when the
 * context's deadline passed, like Go's `context.DeadlineExceeded`. Its
 * message is Go's text, "context deadline exceeded"; its `name` is
 * "TimeoutError", the name of the reason `AbortSignal.timeout()` gives.
 */
export const DeadlineExceeded: Error = named(new Error('context deadline exceeded'), 'TimeoutError');

function named(error: Error, name: string): Error {
  Object.defineProperty(error, 'name', { value: name, writable: true, configurable: true, enumerable: false });
  return error;
}

/**
 * errorFromReason maps an abort reason to a context error: a reason named
 * "TimeoutError" (from `AbortSignal.timeout()`, or DeadlineExceeded itself)
 * means the deadline passed; any other reason means the work was cancelled.
 */
export function errorFromReason(reason: unknown): Error {
  const isTimeout =
    typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError';
  return isTimeout ? DeadlineExceeded : Canceled;
}
