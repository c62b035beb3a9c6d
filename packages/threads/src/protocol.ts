/*
 * The messages threads exchange. Each thread talks only to the main thread,
 * which relays messages between workers (a star: `to` names the thread a
 * message is for; 0 is the main thread). Messages travel in batches, one
 * postMessage per destination per microtask (link.ts).
 *
 * Every channel operation from another thread is a select at the channel's
 * home (`sel`), even a plain send or receive (one case): its home polls it
 * (`pollClaimed`) and parks it if no case is ready (`parkClaimedThen`), and
 * whoever wins the operation's claim runs it.
 */

/** A value as it crosses: structured-clone data, with channels and contexts replaced by references (codec.ts). */
export type Wire = unknown;

/** A case of a `sel`: its index in the select, the channel's id at the home, and for a send its value. */
export type WireCase = [index: number, channel: number] | [index: number, channel: number, value: Wire];

/** An error as it crosses: enough to rebuild it with its class where known (codec.ts). */
export interface WireError {
  name: string;
  message: string;
  stack?: string | undefined;
  cause?: Wire;
  hasCause?: boolean;
  code?: unknown;
}

export type Message =
  /** Start a goroutine: the default export of `url`, called with `args`. */
  | { t: 'go'; to: number; from: number; op: number; url: string; args: Wire[] }
  /** A goroutine's result (`e` set: it threw). */
  | { t: 'ret'; to: number; op: number; v?: Wire; e?: WireError | undefined }
  /**
   * Run a select's cases at their home. `slot`/`gen` name the select's shared
   * claim; slot -1: no shared claim (a plain operation without a signal), the
   * home makes one of its own.
   */
  | { t: 'sel'; to: number; from: number; op: number; slot: number; gen: number; cases: WireCase[] }
  /** Withdraw what is left of a select at a home: it ran, or was abandoned, elsewhere. */
  | { t: 'unsel'; to: number; from: number; op: number }
  /** A select's case ran at its home: index, value, ok; or `e`, it failed (send on closed channel). */
  | { t: 'done'; to: number; op: number; i?: number | undefined; v?: Wire; ok?: boolean | undefined; e?: WireError | undefined }
  /** Close a channel at its home; `op` is answered with `done` only if the close fails. */
  | { t: 'close'; to: number; from: number; op: number; channel: number }
  /** A context exported by `home` as `id` was cancelled with this cause. */
  | { t: 'cancel'; to: number; home: number; id: number; cause: Wire; deadline: boolean }
  /** Thread `thread` now holds a reference to the channel `id` of `to` (sent to its home by whoever forwarded it: references.ts). */
  | { t: 'ref'; to: number; id: number; thread: number }
  /** Thread `from` let go of `count` references to the channel `id` of `to`. */
  | { t: 'free'; to: number; from: number; id: number; count: number }
  /** A thread died (sent by the main thread to every other): fail and withdraw what involved it. */
  | { t: 'died'; to: number; thread: number; reason: WireError }
  /** A worker's event loop emptied after it had read `seen` batches from the main thread (while a deadlock watcher runs, or while it serves channels: liveness.ts). */
  | { t: 'idle'; to: number; from: number; seen: number }
  /** A worker began (true) or ceased (false) to be home to channels other threads hold: while it is, the main thread keeps it up until it says it is idle (liveness.ts). */
  | { t: 'serve'; to: number; from: number; on: boolean }
  /** Write this thread's report for a dump into `buf` and wake the requester, who waits at most `ms` (dumps.ts). */
  | { t: 'dump'; to: number; from: number; ms: number; buf: SharedArrayBuffer }
  /** A deadlock watcher started (the module every thread loads to record its parks) or stopped (null). */
  | { t: 'watch'; to: number; entry: string | null };
