import type { Context } from '@gochan/context';

/*
 * What crosses between a worker of the pool and its goroutine on a thread
 * (thread-handler.ts, thread-runner.ts), over the threads package's
 * channels: a job as a tuple, and an outcome as a tuple, with errors as
 * plain data. Structured clone alone would turn a thrown `class FooError`
 * into a plain Error and drop its `code`; a handler's error should read on
 * the pool's thread as it read on its own.
 */

/**
 * A job for the goroutine: id, payload, attempt (with a store), and the
 * handler's context (crosses as a context of the thread's own), or null for
 * the same context as the lane's previous job (the pool's, usually): a
 * context costs a copy of the tuple to cross, this costs nothing.
 */
export type ThreadJob<P> = [id: string, payload: P, attempt: number | undefined, ctx: Context | null];

/** What the goroutine sends back: [true, result] or [false, error]. */
export type ThreadOutcome<R> = [ok: true, result: R] | [ok: false, error: WireError];

/** An error as data: its class's name, message, stack, `code`, and its cause (an error, or a value). */
export interface WireError {
  name: string;
  message: string;
  stack: string | undefined;
  code?: unknown;
  cause?: WireError | { value: unknown };
}

/** wireError turns a thrown value into data that structured clone keeps whole (causes to a depth of 8). */
export function wireError(thrown: unknown, depth = 0): WireError {
  if (!(thrown instanceof Error)) {
    return { name: 'Error', message: typeof thrown === 'string' ? thrown : `non-error thrown: ${String(thrown)}`, stack: undefined };
  }
  const wire: WireError = { name: thrown.name, message: thrown.message, stack: thrown.stack };
  const code = (thrown as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') wire.code = code;
  if (thrown.cause !== undefined && depth < 8) {
    const cause: unknown = thrown.cause;
    wire.cause = cause instanceof Error ? wireError(cause, depth + 1) : { value: plain(cause) };
  }
  return wire;
}

/** Error classes rebuilt as themselves. */
const KNOWN: Record<string, new (message: string) => Error> = { TypeError, RangeError, SyntaxError, ReferenceError };

/** unwireError rebuilds an error that wireError made, with the thread's stack. */
export function unwireError(wire: WireError): Error {
  const Known = KNOWN[wire.name];
  const error = Known === undefined ? new Error(wire.message) : new Known(wire.message);
  if (Known === undefined && wire.name !== 'Error') Object.defineProperty(error, 'name', { value: wire.name, writable: true, configurable: true, enumerable: false });
  if (wire.stack !== undefined) error.stack = wire.stack;
  if (wire.code !== undefined) (error as { code?: unknown }).code = wire.code;
  if (wire.cause !== undefined) {
    const cause = 'value' in wire.cause ? wire.cause.value : unwireError(wire.cause);
    Object.defineProperty(error, 'cause', { value: cause, writable: true, configurable: true, enumerable: false });
  }
  return error;
}

/** A cause that is not an error: kept if structured clone can copy it, else described. */
function plain(value: unknown): unknown {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol')) return value;
  try {
    return structuredClone(value);
  } catch {
    return String(value);
  }
}
