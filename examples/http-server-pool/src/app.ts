import { after, recv, select } from '@gochan/channel';
import { createTaskServer, type App, type AppOptions } from '@gochan/example-http-server/server';
import { PoolClosedError, WorkerPool } from '@gochan/pool';

// The second article's server again, on @gochan/pool: the pool brings the
// task channel, the workers, the WaitGroup, the context, the stats and the
// bounded shutdown, and the HTTP around it is the hand-built server's. What
// is left is the work itself.

/** createApp makes the pool and puts the hand-built server's HTTP in front of it. */
export function createApp({ workers, queueSize, taskMs }: AppOptions): App {
  const cancelledWhileRunning: string[] = [];
  const pool = new WorkerPool<undefined>({
    workers,
    queueSize,
    handler: async (task, ctx, worker) => {
      console.log(`Worker ${worker.id} processing task ID ${task.id}`);
      // The article's time.Sleep, cut short when the context is cancelled.
      const [index] = await select([recv(after(taskMs, ctx.signal)), recv(ctx.done())]);
      if (index === 1) throw ctx.err();
      console.log(`Worker ${worker.id} finished task ID ${task.id}`);
    },
    onError: (error, task, worker) => {
      cancelledWhileRunning.push(task.id);
      console.log(`Worker ${worker.id} cancelled task ID ${task.id}: ${(error as Error).message}`);
    },
  });
  return createTaskServer({
    submit: (id, signal) => pool.submit({ id, payload: undefined }, signal),
    isClosedError: (error) => error instanceof PoolClosedError,
    stats: () => pool.stats(),
    shutdown: async (timeoutMs) => {
      const { timedOut, unfinished } = await pool.shutdown({ timeout: timeoutMs });
      // Those running first, then those never started.
      return { timedOut, cancelled: [...cancelledWhileRunning, ...unfinished.map((task) => task.id)] };
    },
  });
}
