import { integerFromEnv } from './env.js';
import type { App, AppOptions } from './server.js';

/**
 * serve is the program's `main`, whatever pool `createApp` builds on: it
 * reads the settings, starts the app, prints `Server running on :{port}`,
 * and shuts down gracefully on SIGINT or SIGTERM, printing
 * `Shutdown complete`.
 *
 * Environment: PORT (8081; 0 picks a free port), WORKERS (4), TASK_MS
 * (10000), QUEUE_SIZE (1000), SHUTDOWN_TIMEOUT_MS (30000: past it the tasks
 * left are cancelled and named, and the exit status is 1). An invalid
 * setting is named and the exit status is 2; a port that cannot be listened
 * on, 1.
 *
 * @example
 * ```ts
 * await serve(createApp);
 * ```
 */
export async function serve(createApp: (options: AppOptions) => App): Promise<void> {
  const settings = readSettings();
  const app = createApp(settings);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    // Only the first signal counts. Ctrl-C under a package manager arrives
    // twice, from the terminal and forwarded by the wrapper, and a second
    // press must not cut the drain short: SHUTDOWN_TIMEOUT_MS bounds it.
    if (stopping) {
      return;
    }
    stopping = true;
    const { queued, active } = app.pool.stats();
    console.error(
      `${signal}: shutting down; finishing ${active} running and ${queued} queued task(s), for at most ${settings.shutdownTimeoutMs} ms`,
    );
    void app.shutdown(settings.shutdownTimeoutMs).then(({ timedOut, cancelled }) => {
      if (timedOut) {
        console.error(
          `Shutdown timed out after ${settings.shutdownTimeoutMs} ms; cancelled ${cancelled.length} task(s): ${cancelled.join(', ')}`,
        );
        process.exitCode = 1;
        return;
      }
      console.log('Shutdown complete');
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  try {
    const port = await app.listen(settings.port);
    console.log(`Server running on :${port}`);
  } catch (error) {
    console.error(`server error: ${(error as Error).message}`);
    process.exit(1);
  }
}

function readSettings() {
  try {
    return {
      port: integerFromEnv('PORT', 8081),
      workers: integerFromEnv('WORKERS', 4, 1),
      taskMs: integerFromEnv('TASK_MS', 10_000),
      queueSize: integerFromEnv('QUEUE_SIZE', 1000),
      shutdownTimeoutMs: integerFromEnv('SHUTDOWN_TIMEOUT_MS', 30_000),
    };
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}
