/**
 * Go's channels for TypeScript: `Channel` (Go's `chan T`), `select` with
 * receive, send and default cases, and the timers that select loops wait on:
 * `after`, `Timer`, `Ticker` and `tick` (Go's `time.After`, `time.NewTimer`,
 * `time.NewTicker`, `time.Tick`).
 *
 * @packageDocumentation
 */
export { Channel, type RecvChannel, type RecvResult, type SendChannel } from './channel.js';
export { ClosedChannelError } from './errors.js';
export { nil } from './nil.js';
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
export { Timer } from './timer.js';
export { Ticker } from './ticker.js';
export { tick } from './tick.js';
export { describe } from './describe.js';
export { pace } from './pace.js';
// The runtime seam, for @gochan/testing and debuggers (see hooks.ts).
export { currentHooks, installHooks, type ParkReason, type RuntimeHooks } from './hooks.js';
