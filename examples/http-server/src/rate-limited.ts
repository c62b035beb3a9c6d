/** How often a rate-limited line is written, at most. */
export const REPORT_EVERY_MS = 1_000;

/**
 * rateLimited makes a function that reports an event (from `from`, a client
 * address or a task id) through `write`: the first at once, then at most
 * one line every `everyMs` with the count since, so that a flood of events
 * cannot flood the log.
 */
export function rateLimited(write: (count: number, last: string) => void, everyMs = REPORT_EVERY_MS): (from: string) => void {
  let pending = 0;
  let last = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    timer = undefined;
    if (pending === 0) return;
    write(pending, last);
    pending = 0;
    timer = setTimeout(flush, everyMs);
    timer.unref();
  };
  return (from) => {
    pending++;
    last = from;
    if (timer === undefined) flush();
  };
}
