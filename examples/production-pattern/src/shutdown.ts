import { Channel, recv, select, Timer, type SendChannel } from '@gochan/channel';
import type { WaitGroup } from '@gochan/waitgroup';

/**
 * shutdown stops a pool gracefully: it closes `jobs`, so no new job can be
 * sent and the workers stop once the queue is drained, then waits for the
 * workers, but no longer than `timeoutMs`: a worker stuck forever must not
 * keep the program from exiting.
 *
 * The bounded wait is Go's idiom: a goroutine turns `wg.Wait()` into a
 * channel that closes, and a `select` races it against a `time.Timer`.
 *
 * @returns true when every worker finished, false when the time ran out.
 */
export async function shutdown(jobs: SendChannel<unknown>, wg: WaitGroup, timeoutMs: number): Promise<boolean> {
  jobs.close();
  const finished = new Channel<never>();
  void wg.wait().then(() => finished.close());
  // Go: timer := time.NewTimer(timeout); defer timer.Stop(). Stopped once
  // the select is over, so that a program done with its shutdown can exit at
  // once instead of waiting for it.
  const timer = new Timer(timeoutMs);
  try {
    const [index] = await select([recv(finished), recv(timer.c)]);
    return index === 0;
  } finally {
    timer.stop();
  }
}
