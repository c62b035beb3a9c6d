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
