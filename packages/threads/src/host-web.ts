import type { Host, HostThread, ThreadData, ThreadEvents } from './host.js';

/*
 * Threads on Web Workers, for browsers: each thread is a module worker
 * running thread-web.js. The pool's select claims live in shared memory, so
 * this host needs SharedArrayBuffer, which a browser gives only to a
 * cross-origin isolated page (served with COOP and COEP headers).
 *
 * What differs from Node's threads, and what is detected of a death:
 *  - A Web Worker has no exit code and no `process.exit()`; `terminate()`
 *    ends it without an event, so this host reports the exit itself.
 *  - An error nothing caught in the worker (and an unhandled rejection, which
 *    thread-web.js rethrows as one) reaches the page as the Worker's 'error'
 *    event, but a browser keeps such a worker running; this host ends it, as
 *    Node does, and its goroutines fail with the error's name and message
 *    (the error itself does not cross: the event carries only its text).
 *  - A worker whose module fails to load (a 404, a syntax error, a bare
 *    specifier the worker cannot resolve) is an 'error' event with no text.
 *  - A batch from the worker that cannot be deserialized here
 *    ('messageerror') ends the worker too: the operations it carried would
 *    otherwise be lost without a word.
 *  - Not detected: a worker that calls `self.close()`, and a worker the
 *    browser kills for memory; their goroutines wait until the pool closes.
 *  - No resource limits, no ref/unref (a page does not wait for workers).
 */

/** The worker entry; from sources (the repository's tests), the built file. */
const ENTRY = new URL(import.meta.url.endsWith('.ts') ? '../dist/thread-web.js' : './thread-web.js', import.meta.url);

/** The parts of a Web Worker this host uses (declared here: the package is built without the DOM's types). */
interface WebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  addEventListener(type: 'message' | 'error' | 'messageerror', listener: (event: WorkerEvent) => void): void;
}

/** A MessageEvent or an ErrorEvent (or, for a module that failed to load, a plain Event). */
interface WorkerEvent {
  readonly data?: unknown;
  readonly message?: unknown;
  readonly error?: unknown;
  readonly filename?: unknown;
  readonly lineno?: unknown;
  readonly colno?: unknown;
  preventDefault(): void;
}

interface WebScope {
  Worker?: new (url: URL, options: { type: 'module'; name: string }) => WebWorker;
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
}

/** Why threads cannot run here, or undefined if Web Workers with shared memory can. */
export function webUnsupported(): string | undefined {
  const scope = globalThis as WebScope;
  if (typeof scope.Worker !== 'function') {
    return 'threads: this runtime cannot start threads: it has neither node:worker_threads nor Web Workers';
  }
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    if (scope.crossOriginIsolated === false) {
      return (
        'threads: SharedArrayBuffer is not available because this page is not cross-origin isolated (crossOriginIsolated is false); ' +
        'serve the page with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (COOP/COEP), ' +
        'which threads need for the shared memory of their channels and selects'
      );
    }
    return 'threads: this runtime has Web Workers but no SharedArrayBuffer and Atomics, which threads need for the shared memory of their channels and selects';
  }
  return undefined;
}

/** The Web Worker host; throws the reason if this page cannot have it (webUnsupported). */
export function webHost(): Host {
  const why = webUnsupported();
  if (why !== undefined) throw new Error(why);
  const scope = globalThis as WebScope;
  const Worker = scope.Worker as NonNullable<WebScope['Worker']>;
  return {
    name: 'Web Workers',
    limits: false,
    nice: false,
    paths: false,
    spawn(data: ThreadData, events: ThreadEvents): HostThread {
      const worker = new Worker(ENTRY, { type: 'module', name: `gochan thread ${data.id}` });
      let ended = false;
      /** Ends the worker and reports it, once: in a microtask, never inside the caller's loop over the threads. */
      const end = (): Promise<void> => {
        if (ended) return Promise.resolve();
        ended = true;
        worker.terminate();
        return Promise.resolve().then(() => events.exit(undefined));
      };
      worker.addEventListener('message', (event) => events.message(event.data as readonly unknown[]));
      worker.addEventListener('error', (event) => {
        // The goroutines on it fail with this error: the page is not also told of it as its own.
        event.preventDefault();
        if (ended) return;
        events.error(uncaught(event));
        void end();
      });
      worker.addEventListener('messageerror', () => {
        if (ended) return;
        events.error(new Error('a message from the thread could not be deserialized here'));
        void end();
      });
      // A Web Worker has no workerData: its data is the first message.
      worker.postMessage(data);
      const noop = (): void => {};
      return { port: worker, ref: noop, unref: noop, terminate: end };
    },
    cpus: () => Math.max(1, Math.floor(scope.navigator?.hardwareConcurrency ?? 1)),
    env: () => undefined,
    fileURL: () => undefined,
  };
}

/**
 * The error a worker's 'error' event names. The event carries text, not the
 * error: "Uncaught TypeError: boom" becomes a TypeError-named Error "boom",
 * with the place it was thrown as its stack.
 */
export function uncaught(event: Pick<WorkerEvent, 'message' | 'error' | 'filename' | 'lineno' | 'colno'>): Error {
  if (event.error instanceof Error) return event.error;
  const text = typeof event.message === 'string' ? event.message : '';
  if (text === '') {
    return new Error(
      "the thread's module failed to load (the browser says no more: its console has the detail); " +
        'a module worker does not use the page\'s import map, so each bare specifier (@gochan/channel) must be resolved by the server or a bundler',
    );
  }
  const match = /^(?:Uncaught )?(?:\(in promise\) )?((?:[A-Za-z_$][\w$]*)?(?:Error|Exception)): ([\s\S]*)$/.exec(text);
  const error = new Error(match === null ? text.replace(/^Uncaught (?:\(in promise\) )?/, '') : (match[2] as string));
  if (match !== null) error.name = match[1] as string;
  if (typeof event.filename === 'string' && event.filename !== '') {
    error.stack = `${error.name}: ${error.message}\n    at ${event.filename}:${String(event.lineno)}:${String(event.colno)}`;
  }
  return error;
}
