/**
 * Go's channels for TypeScript: `Channel` (Go's `chan T`), `select` with
 * receive, send and default cases, `nil` (Go's nil channel), and the timers
 * that select loops wait on: `after`, `Timer`, `Ticker`, `tick`, `sleep` and
 * `afterFunc` (Go's `time.After`, `time.NewTimer`, `time.NewTicker`,
 * `time.Tick`, `time.Sleep`, `time.AfterFunc`).
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
  setForeignSelect,
  type Case,
  type CaseResult,
  type RecvCase,
  type SelectResult,
  type SendCase,
} from './select.js';
export { after } from './after.js';
export { afterFunc } from './after-func.js';
export { sleep } from './sleep.js';
export { Timer } from './timer.js';
export { Ticker } from './ticker.js';
export { tick } from './tick.js';
export { describe } from './describe.js';
export { pace } from './pace.js';
// The seam of selects across threads, for @gochan/threads (see claimed.ts).
export { parkClaimed, parkClaimedThen, pollClaimed, type ClaimedSelect, type ExternalClaim } from './claimed.js';
// The waiter list of the primitives without a channel (@gochan/sync's Cond, @gochan/semaphore).
export { WaiterList, type ListNode } from './list.js';
// The runtime seam, for @gochan/testing and debuggers (see hooks.ts).
export { currentHooks, installHooks, type ParkReason, type RuntimeHooks } from './hooks.js';
// The seam between a deadlock watcher and a thread runtime (see thread-seam.ts).
export {
  setThreadRuntime,
  setThreadWatcher,
  threadRuntime,
  threadWatcher,
  type ThreadAnswer,
  type ThreadRuntime,
  type ThreadWatcher,
} from './thread-seam.js';
