import { DEADLOCK } from './report.js';

/**
 * DeadlockError is what a run under {@link run} throws when nothing can run
 * and the body has not finished: Go's "fatal error: all goroutines are
 * asleep - deadlock!". Its message is the whole report, one block per
 * parked operation; fast-check prints it beside the schedule that led there.
 */
export class DeadlockError extends Error {
  /** Always `"DeadlockError"`. */
  override readonly name: 'DeadlockError' = 'DeadlockError';
  /** How many operations were parked. */
  readonly parked: number;

  /**
   * @param report - The report, starting with Go's line (added if missing).
   * @param parked - How many operations were parked.
   */
  constructor(report: string, parked: number) {
    super(report.startsWith(DEADLOCK) ? report : `${DEADLOCK}\n\n${report}`);
    this.parked = parked;
  }
}
