import type { Port } from './link.js';

/*
 * The host is what makes threads: Node's worker_threads (host-node.ts, also
 * under Bun and Deno) or a browser's Web Workers (host-web.ts). Everything
 * the pool does with a thread goes through these few calls, so the
 * scheduler, the runtime and the goroutine runner know no host; hosts.ts
 * picks the one this runtime has.
 */

/** What a new thread is given: its id, its range of claim slots, and the shared claim memory (claim.ts). */
export interface ThreadData {
  id: number;
  range: number;
  words: SharedArrayBuffer;
  winners: SharedArrayBuffer;
  /** The deadlock watcher's module, if one runs on the main thread (liveness.ts; Node's host only). */
  watch?: string | null | undefined;
  /** How much nicer than its parent the thread makes itself, 1 to 19, if at all (setNice; Node's host on Linux only). */
  nice?: number | undefined;
}

/** What a host tells the scheduler about one of its threads. */
export interface ThreadEvents {
  /** A batch of messages from the thread (link.ts). */
  message(batch: readonly unknown[]): void;
  /** The thread threw an error nothing caught; `exit` follows. */
  error(error: unknown): void;
  /** The thread has ended, with its exit code where the host has exit codes (Web Workers do not). Called once. */
  exit(code: number | undefined): void;
}

/** A thread as the scheduler holds it. */
export interface HostThread {
  /** Where messages for the thread are posted (the link batches them). */
  readonly port: Port;
  /** Keeps the process alive while the thread has goroutines (a no-op where threads never hold a process). */
  ref(): void;
  /** Lets the process end while the thread idles. */
  unref(): void;
  /** Ends the thread; `exit` has been called when the promise resolves. */
  terminate(): Promise<void>;
}

/**
 * ResourceLimits are the limits of a thread's heap and stack, Node's Worker
 * `resourceLimits` (the same fields, so Node's own type fits), for
 * {@link setResourceLimits}; Go has none, its threads sharing one heap.
 * Declared here rather than taken from
 * `node:worker_threads`, so that the package's types need no Node types (a
 * browser project has none).
 */
export interface ResourceLimits {
  /** The most memory of the heap's young generation, in MB. */
  maxYoungGenerationSizeMb?: number | undefined;
  /** The most memory of the heap's main (old) generation, in MB. */
  maxOldGenerationSizeMb?: number | undefined;
  /** The size of the memory range set aside for generated code, in MB. */
  codeRangeSizeMb?: number | undefined;
  /** The largest stack of the thread, in MB. */
  stackSizeMb?: number | undefined;
}

/** A thread's limits, where the host has them. */
export type ThreadLimits = ResourceLimits;

/** The main thread's side of a host. */
export interface Host {
  /** The host's name for errors and reports: `node:worker_threads` or `Web Workers`. */
  readonly name: string;
  /** Whether threads take Node's `resourceLimits`. */
  readonly limits: boolean;
  /** Whether a thread can lower its own priority (setNice): Linux, where niceness is a thread's, not a process's. */
  readonly nice: boolean;
  /** Starts a thread running the pool's worker entry. */
  spawn(data: ThreadData, events: ThreadEvents, limits: ThreadLimits | undefined): HostThread;
  /** How many threads can run at once: Go's CPU count for GOMAXPROCS. */
  cpus(): number;
  /** An environment variable, where the host has an environment and may read it. */
  env(name: string): string | undefined;
  /** Whether modules can be named by file path (not in a browser). */
  readonly paths: boolean;
  /** The `file:` URL of an absolute path, or undefined where the host has no file paths (or `path` is not absolute). */
  fileURL(path: string): string | undefined;
}

/** A worker's side of a host: how the pool's worker entry reads its data and talks to the main thread. */
export interface WorkerSide {
  /** The port to the main thread. */
  readonly port: Port;
  /** Calls `receive` with each batch from the main thread. */
  listen(receive: (batch: readonly unknown[]) => void): void;
  /** Calls `flush` when the thread is about to exit (process.exit()), where the host says so. */
  beforeExit(flush: () => void): void;
}
