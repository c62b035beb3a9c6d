import type { ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { TaskPool } from './task-pool.js';
import type { Sample, Telemetry, ViewStats } from './telemetry.js';

/*
 * The dashboard: one static page (dashboard.html, no build step, no
 * library: an inline SVG chart and a grid of workers) that follows
 * `GET /dashboard/events`, a stream of server-sent events:
 *
 *   event: history   once, on connecting: the samples of the last minutes
 *   event: state     each second: the new sample, every worker's state and
 *                    task, and the counts
 *
 * EventSource reconnects by itself when the server goes away and comes back.
 */

/** dashboardPage is the page `GET /` answers, read once from beside the built module. */
export const dashboardPage: string = readFileSync(new URL('../src/dashboard.html', import.meta.url), 'utf8');

/** State is what each `state` event carries. */
export interface State {
  sample: Sample;
  /** Each worker: its id, its state's first letter (`i`dle, `b`usy, `s`topped), and its task's id while busy. */
  workers: [number, string, string?][];
  /** This process's counts since it started. */
  totals: { completed: number; failed: number; retried: number; dead: number };
  /** With a store: its tasks by state. */
  store?: ViewStats['store'];
}

/**
 * streamDashboard answers `GET /dashboard/events`: the history at once,
 * then the state each second, until the client goes away (or the server
 * closes the connection at its shutdown).
 */
export function streamDashboard(response: ServerResponse, pool: TaskPool, telemetry: Telemetry): void {
  response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
  const send = (event: string, data: unknown): void => {
    response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  send('history', telemetry.history);
  // The state now, not the last second's: the numbers agree with the workers shown.
  send('state', state(telemetry.current(), pool, telemetry));
  const stop = telemetry.onSample((sample) => send('state', state(sample, pool, telemetry)));
  response.on('close', stop);
}

/** The state event for `sample`: the workers and counts as they are now. */
function state(sample: Sample, pool: TaskPool, telemetry: Telemetry): State {
  const stats = pool.stats() as ViewStats;
  const workers = (stats.workers ?? []).map(({ id, state, jobId, taskId }): [number, string, string?] => {
    const task = jobId ?? taskId;
    return task === undefined ? [id, state[0]!] : [id, state[0]!, task];
  });
  const result: State = { sample, workers, totals: { ...telemetry.totals() } };
  if (stats.store !== undefined) result.store = stats.store;
  return result;
}
