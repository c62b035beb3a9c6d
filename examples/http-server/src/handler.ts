import type { RequestListener, ServerResponse } from 'node:http';
import { dashboardPage, streamDashboard } from './dashboard.js';
import type { TaskPool } from './task-pool.js';
import { rateLimited } from './rate-limited.js';
import { storeUnavailable, type StoreUnavailable } from './store-unavailable.js';
import type { Telemetry } from './telemetry.js';
import { MAX_BODY_BYTES, wholeRequest } from './whole-request.js';

/** MAX_ID_LENGTH is the longest task id accepted, in characters. */
export const MAX_ID_LENGTH = 256;

/** Admission is what the handler shares with the server around it. */
export interface Admission {
  /** Set once shutdown has begun: from then on every request is refused. */
  shuttingDown: boolean;
  /** Requests waiting for room in the full task channel. */
  waiting: number;
  /** When each of them began to wait (performance.now()), oldest first: the first is the oldest. */
  readonly waitingSince: Map<object, number>;
}

/** The methods every route answers: HEAD as GET, without the body (Go's mux does the same for a GET pattern). */
export const ALLOW = 'GET, HEAD';

/**
 * createHandler makes the server's request listener:
 *
 * - `GET /task/{id}` queues a task and answers 200 `Task ID {id} added`
 *   (on a durable store, once the task is stored; if a task of that id is
 *   already queued or running there, 200 says it was not added again);
 *   while the pool's queue is full the request waits (backpressure), and a
 *   client that goes away meanwhile takes its task back: it is never queued.
 * - `GET /stats` answers the pool's state as JSON.
 * - `GET /metrics` answers the metrics in Prometheus' text format.
 * - `GET /` (or `/dashboard`) answers the dashboard, a page that follows
 *   `GET /dashboard/events`, a stream of server-sent events.
 * - HEAD answers as GET, without the body (and so queues a task too).
 * - Anything else: 404 for an unknown path, 405 (`Allow: GET, HEAD`) for
 *   another method, 400 for a bad id (control or format characters
 *   included: a bidi override would turn a log line around), 503 once
 *   shutdown has begun.
 * - A task is queued only once its whole request has arrived (a body is
 *   read and ignored; over {@link MAX_BODY_BYTES}: 413); one whose body is
 *   cut or malformed is never queued.
 * - A submit the store cannot take now (Redis down or not answering in
 *   time, a full disk, a busy file: see {@link storeUnavailable}) gets 503
 *   with `Retry-After` and says whether the task was not stored or may yet
 *   be; any other failure of a submit is a bug, answered 500.
 */
export function createHandler(pool: TaskPool, admission: Admission, telemetry: Telemetry): RequestListener {
  const unavailable = unavailableReporter(telemetry);
  return (request, response) => {
    if (admission.shuttingDown) {
      reply(response, 503, 'Shutting down\n', { Connection: 'close' });
      return;
    }
    const route = routeOf(request.url);
    if (route === undefined) {
      reply(response, 404, 'Not found\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      reply(response, 405, 'Method not allowed\n', { Allow: ALLOW });
      return;
    }
    if (route.kind === 'metrics') {
      telemetry.registry.metrics().then(
        (text) => reply(response, 200, text, { 'Content-Type': telemetry.registry.contentType }),
        (error: unknown) => {
          telemetry.log.error(`GET /metrics: ${String(error)}`);
          reply(response, 500, 'Internal server error\n');
        },
      );
      return;
    }
    if (route.kind === 'dashboard') {
      reply(response, 200, dashboardPage, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      return;
    }
    if (route.kind === 'events') {
      if (request.method === 'HEAD') reply(response, 200, '', { 'Content-Type': 'text/event-stream' });
      else streamDashboard(response, pool, telemetry);
      return;
    }
    // The one page left: /stats.
    if (route.kind !== 'task') {
      reply(response, 200, `${JSON.stringify({ ...pool.stats(), waiting: admission.waiting })}\n`, {
        'Content-Type': 'application/json',
      });
      return;
    }
    const problem = route.problem ?? checkId(route.id);
    if (problem !== undefined) {
      reply(response, 400, `${problem}\n`);
      return;
    }
    const { id } = route;
    // The task is queued only once the whole request has arrived: a body
    // that is cut or malformed (answered 400 by the server's clientError
    // listener) queues nothing.
    void wholeRequest(request).then((reading) => {
      if (reading === 'cut') return;
      if (reading === 'too-large') {
        reply(response, 413, `Expected no body, or one of at most ${MAX_BODY_BYTES} bytes (it is ignored)\n`, { Connection: 'close' });
        return;
      }
      addTask(pool, admission, telemetry, response, id).catch((error: unknown) => {
        const trouble = storeUnavailable(error);
        if (trouble !== undefined) {
          unavailable(id, trouble.reason);
          reply(response, 503, unavailableBody(id, trouble), { 'Retry-After': String(trouble.retryAfterS) });
          return;
        }
        // Not expected; but one request's trouble must not take the server down. The id is checked: printable.
        telemetry.log.error(`GET /task/${id}: ${String(error)}`, { jobId: id });
        reply(response, 500, 'Internal server error\n');
      });
    });
  };
}

/** The 503 of a store that is unavailable: what became of the task, as far as the store can say, and when to try again. */
function unavailableBody(id: string, { reason, notStored, retryAfterS }: StoreUnavailable): string {
  return notStored
    ? `Task ID ${id} not added: the task store is unavailable (${reason}). Try again in ${retryAfterS} s\n`
    : `Task ID ${id} not confirmed: the task store did not confirm it (${reason}); it may yet be stored and run. ` +
        `Try again in ${retryAfterS} s with the same ID: one already queued or running is not added twice\n`;
}

/** Says on stderr, at most once a second, that submits were answered 503 because the store is unavailable. */
function unavailableReporter(telemetry: Telemetry): (id: string, reason: string) => void {
  let lastReason = '';
  const report = rateLimited((count, last) =>
    telemetry.log.warn(`Store unavailable: answered 503 to ${count} submit(s) (the last, task ID ${last}: ${lastReason})`, {
      event: 'store-unavailable',
      count,
      jobId: last,
      reason: lastReason,
    }),
  );
  return (id, reason) => {
    lastReason = reason;
    report(id);
  };
}

/** addTask queues the task, waiting while the queue is full, and answers. */
async function addTask(
  pool: TaskPool,
  admission: Admission,
  telemetry: Telemetry,
  response: ServerResponse,
  id: string,
): Promise<void> {
  // The response closes before it is sent only when the client went away:
  // then the waiting send is withdrawn and the task is never queued.
  const clientGone = new AbortController();
  const onClose = (): void => {
    if (!response.writableEnded) {
      clientGone.abort(new Error('the client went away'));
    }
  };
  response.on('close', onClose);
  admission.waiting++;
  const since = performance.now();
  const token = {};
  admission.waitingSince.set(token, since);
  let result: 'added' | 'duplicate';
  try {
    result = await pool.submit(id, clientGone.signal);
  } catch (error) {
    if (pool.isClosedError(error)) {
      // Shutdown closed the queue while this request waited for room.
      reply(response, 503, 'Shutting down\n', { Connection: 'close' });
    } else if (!clientGone.signal.aborted) {
      throw error;
    }
    // Withdrawn: there is nobody left to answer.
    return;
  } finally {
    admission.waiting--;
    admission.waitingSince.delete(token);
    response.off('close', onClose);
  }
  if (result === 'added') telemetry.submitted(performance.now() - since);
  // A store refuses a second task of an id that is queued or running: the first one stands.
  reply(response, 200, result === 'added' ? `Task ID ${id} added\n` : `Task ID ${id} already queued or running: not added again\n`);
}

type Page = { kind: 'stats' | 'metrics' | 'dashboard' | 'events' };
type Route = Page | { kind: 'task'; id: string; problem?: string };

const PAGES: Record<string, Page> = {
  '/stats': { kind: 'stats' },
  '/metrics': { kind: 'metrics' },
  '/': { kind: 'dashboard' },
  '/dashboard': { kind: 'dashboard' },
  '/dashboard/events': { kind: 'events' },
};

/**
 * routeOf maps a request target to a route, or undefined (404). Like Go's
 * `{id}` wildcard, the id is one path segment, percent-decoded.
 */
function routeOf(url: string | undefined): Route | undefined {
  const path = (url ?? '').split('?', 1)[0]!;
  const page = Object.hasOwn(PAGES, path) ? PAGES[path] : undefined;
  if (page !== undefined) {
    return page;
  }
  if (!path.startsWith('/task/')) {
    return undefined;
  }
  const segment = path.slice('/task/'.length);
  if (segment.includes('/')) {
    return undefined;
  }
  try {
    return { kind: 'task', id: decodeURIComponent(segment) };
  } catch {
    return { kind: 'task', id: segment, problem: 'Expected a task ID in valid percent-encoding' };
  }
}

/** checkId says what is wrong with a task id, or undefined if nothing is. */
function checkId(id: string): string | undefined {
  if (id === '') {
    return 'Expected a task ID in /task/{id}, got an empty one';
  }
  if (id.length > MAX_ID_LENGTH) {
    return `Expected a task ID of at most ${MAX_ID_LENGTH} characters, got ${id.length}`;
  }
  // An id is printed in the workers' lines: no line breaks, no escapes
  // (Cc), no bidi overrides or other invisible formatting (Cf: U+202E would
  // show a line's end reversed), no line or paragraph separators.
  if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(id)) {
    return 'Expected a task ID without control or format characters (such as line breaks or bidi overrides)';
  }
  return undefined;
}

function reply(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (response.headersSent || response.destroyed) {
    return;
  }
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  response.end(body);
}
