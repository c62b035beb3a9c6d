import { after, Channel, recv, select, type SendChannel } from '@gochan/channel';
import type { WaitGroup } from '@gochan/waitgroup';

/**
 * shutdown stops a pool gracefully: it closes `jobs`, so no new job can be
 * sent and the workers stop once the queue is drained, then waits for the
 * workers, but no longer than `timeoutMs`: a worker stuck forever must not
 * keep the program from exiting.
 *
 * The bounded wait is Go's idiom: a goroutine turns `wg.Wait()` into a
 * channel that closes, and a `select` races it against `time.After`.
 *
 * @returns true when every worker finished, false when the time ran out.
 */
export async function shutdown(jobs: SendChannel<unknown>, wg: WaitGroup, timeoutMs: number): Promise<boolean> {
  jobs.close();
  const finished = new Channel<never>();
  void wg.wait().then(() => finished.close());
  // The timer is stopped once the select is over, so that a program done
  // with its shutdown can exit at once instead of waiting for it.
  const stopTimer = new AbortController();
  try {
    const [index] = await select([recv(finished), recv(after(timeoutMs, stopTimer.signal))]);
    return index === 0;
  } finally {
    stopTimer.abort();
  }
}
