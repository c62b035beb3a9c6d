/**
 * Go's channels for TypeScript: `Channel` (Go's `chan T`), `select` with
 * receive, send and default cases, and `after` (Go's `time.After`).
 *
 * @packageDocumentation
 */
export { Channel, type RecvChannel, type RecvResult, type SendChannel } from './channel.js';
export { ClosedChannelError } from './errors.js';
export {
  recv,
  select,
  send,
  trySelect,
  type Case,
  type CaseResult,
  type RecvCase,
  type SelectResult,
  type SendCase,
} from './select.js';
export { after } from './after.js';
