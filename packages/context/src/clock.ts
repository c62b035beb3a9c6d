// The clock and timers of deadlines, through the channel's runtime seam
// (@gochan/channel's hooks): the wall clock and setTimeout, unless a test
// runtime has installed virtual time, as Go's time package reads the
// runtime's clock and arms the runtime's timers.
import { currentHooks } from '@gochan/channel';

/** A timer armed by setTimer: a setTimeout's handle, or a test runtime's. */
export type TimerHandle = unknown;

/** wallNow is Date.now(), or the test runtime's virtual wall clock. */
export function wallNow(): number {
  const hooks = currentHooks();
  return hooks === null ? Date.now() : hooks.wallNow();
}

/** setTimer is setTimeout, or the test runtime's virtual timer. */
export function setTimer(callback: () => void, ms: number): TimerHandle {
  const hooks = currentHooks();
  return hooks === null ? setTimeout(callback, ms) : hooks.setTimer(callback, ms);
}

/** clearTimer cancels a timer from setTimer, whichever clock armed it. */
export function clearTimer(handle: TimerHandle): void {
  const hooks = currentHooks();
  if (hooks === null || !hooks.clearTimer(handle)) clearTimeout(handle as ReturnType<typeof setTimeout>);
}
