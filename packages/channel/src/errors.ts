/** Go's panic text for a send on a closed channel. */
export const SEND_ON_CLOSED = 'send on closed channel';
/** Go's panic text for closing a channel twice. */
export const CLOSE_OF_CLOSED = 'close of closed channel';

/**
 * ClosedChannelError is what Go reports as a panic: a send on a closed
 * channel ("send on closed channel") or a second close ("close of closed
 * channel"). The message is Go's text, word for word.
 *
 * A send that was waiting when the channel closed rejects with it too, as a
 * blocked Go sender panics when its channel is closed under it.
 */
export class ClosedChannelError extends Error {
  /** Always `"ClosedChannelError"`, so the error can be told apart without `instanceof`. */
  override readonly name: 'ClosedChannelError' = 'ClosedChannelError';

  /** @param message Go's panic text: `"send on closed channel"` or `"close of closed channel"`. */
  constructor(message: typeof SEND_ON_CLOSED | typeof CLOSE_OF_CLOSED) {
    super(message);
  }
}

// How the package's other errors (RangeError, TypeError) show a bad value;
// here rather than in a module of its own (see sleep.ts).

/**
 * describe renders a value the way gochan's error messages show what they
 * received ("Expected `capacity` to be a non-negative safe integer, got
 * -1"): a string quoted, a bigint with its `n`, a function, an array or
 * another object by its kind (never its contents, which may be large or
 * private), anything else as `String` prints it. Go's `%q`/`%v` verbs play
 * this part in Go's own messages.
 *
 * Every gochan package builds its messages with this one function, so the
 * same mistake reads the same in each.
 *
 * @example
 * ```ts
 * describe('4');      // '"4"'
 * describe(1.5);      // '1.5'
 * describe({ a: 1 }); // 'an object'
 * ```
 */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (value !== null && typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}
