/*
 * The seam between a deadlock watcher (@gochan/testing) and a thread runtime
 * (@gochan/threads). Each registers here, in the package both depend on, so
 * that neither knows the other: the arrows point down to @gochan/channel.
 *
 * Go's runtime sees every goroutine of every thread in one address space:
 * `runtime.Stack(buf, true)` stops the world and walks `allgs`, and
 * `checkdead` counts the Ms that are not idle. Here each thread sees only
 * its own parked operations, so a dump or a deadlock check asks the others:
 * the watcher gives the thread runtime a module (`entry`) that every thread
 * loads to record its parks, and a `report` of this thread's; the runtime
 * gives the watcher `gather`, which asks every other thread for its report
 * and says whether anything can still run there.
 *
 * Invariants:
 *  - Both slots are null unless a watcher and a thread runtime are loaded:
 *    a program without threads, or without a watcher, pays nothing.
 *  - setThreadWatcher tells the registered runtime at once (`watching`),
 *    and a runtime registered later reads the watcher when it starts.
 */

/** ThreadAnswer is one other thread's answer to {@link ThreadRuntime.gather}: its part of Go's goroutine dump. */
export interface ThreadAnswer {
  /** Its id (0 is the main thread). */
  readonly thread: number;
  /** What its watcher's `report` returned (structured-clone data), or undefined when it gave none. */
  readonly report: unknown;
  /** Why there is no report: it did not answer in time, or no watcher runs there yet. */
  readonly missing: string | undefined;
  /**
   * Whether nothing can run there any more (known only on the main thread):
   * its event loop had emptied (no goroutine computing, no timer, no I/O)
   * after it had read every message sent to it, and nothing it sent is
   * still on its way. False when unknown.
   */
  readonly quiet: boolean;
  /** Goroutines placed on it that have not returned (known on the main thread; -1 elsewhere). */
  readonly goroutines: number;
}

/** ThreadRuntime is what a thread runtime (@gochan/threads) offers a watcher on its thread: what Go's runtime sees of all its Ms and Ps. */
export interface ThreadRuntime {
  /** This thread's id: 0 for the main thread. */
  readonly thread: number;
  /** The home thread and id under which other threads name `channel`, or undefined for a channel that never crossed. */
  identify(channel: object): readonly [home: number, id: number] | undefined;
  /** The channels of this thread that have crossed to others, by the id they are named by. */
  homed(): Iterable<readonly [id: number, channel: object]>;
  /**
   * Asks every other live thread for its watcher's report and waits for the
   * answers, at most `ms` milliseconds in all, blocking this thread as Go
   * stops the world for a dump. Empty when there is no other thread.
   */
  gather(ms: number): ThreadAnswer[];
  /** How many goroutines placed on threads have not returned (the main thread's count; 0 elsewhere). */
  running(): number;
  /** A watcher was installed (its entry module) or removed (null). */
  watching(entry: string | null): void;
}

/** ThreadWatcher is what a deadlock watcher (@gochan/testing, Go's checkdead) gives the thread runtime. */
export interface ThreadWatcher {
  /** The URL of a module each thread imports to record its parked operations (it calls setThreadWatcher there). */
  readonly entry: string;
  /** This thread's parked operations, as data another thread's watcher formats. */
  report(): unknown;
}

let runtime: ThreadRuntime | null = null;
let watcher: ThreadWatcher | null = null;

/** setThreadRuntime registers this thread's thread runtime (@gochan/threads does, once per thread; Go's runtime has one for all). */
export function setThreadRuntime(next: ThreadRuntime | null): void {
  runtime = next;
}

/** threadRuntime returns this thread's thread runtime, or null when no goroutine was ever started from or on it with Go's `go` (@gochan/threads). */
export function threadRuntime(): ThreadRuntime | null {
  return runtime;
}

/** setThreadWatcher registers this thread's watcher (null removes it), and tells the thread runtime: Go's deadlock detector, across threads. */
export function setThreadWatcher(next: ThreadWatcher | null): void {
  watcher = next;
  runtime?.watching(next === null ? null : next.entry);
}

/** threadWatcher returns this thread's watcher (Go's deadlock detector, across threads), or null. */
export function threadWatcher(): ThreadWatcher | null {
  return watcher;
}
