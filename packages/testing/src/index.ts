/**
 * Go's deadlock detector and a scheduler for gochan programs. {@link run}
 * (or {@link scheduler}'s `s.run`) puts every wait of channels, select,
 * WaitGroup, context, the locks, the semaphore and the timers under
 * fast-check's scheduler, with virtual time, so that a property test
 * explores their interleavings, and shrinks and replays a failing one; a
 * run where nothing can move fails with Go's "all goroutines are asleep -
 * deadlock!". {@link watchDeadlocks} reports the same in a Node program,
 * {@link main} runs a program's main as Go's (once it returns, the program
 * exits, whatever is still parked), and {@link dump} lists the parked
 * operations of a live one.
 *
 * @packageDocumentation
 */
export { run, type RunOptions, type SchedulerLike } from './runtime.js';
export { GoScheduler, scheduler, type SchedulerOptions } from './scheduler.js';
export { ChoiceScheduler } from './choice-scheduler.js';
export { DeadlockError } from './deadlock-error.js';
export { watchDeadlocks, type DeadlockAction, type WatchOptions } from './watch.js';
export { main } from './main.js';
export { dump, type DumpOptions } from './dump.js';
export { label } from './labels.js';
