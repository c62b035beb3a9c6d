import type { ThreadAnswer, ThreadRuntime } from '@gochan/channel';
import { RemoteChannel } from './remote-channel.js';
import type { Runtime } from './runtime.js';

/**
 * ThreadSeam is this thread's runtime as a deadlock watcher sees it
 * (@gochan/channel's thread seam): channels named by their home and id, the
 * other threads' reports, and how many goroutines run on threads. Threads
 * registers it; @gochan/testing uses it, without either importing the other.
 */
export class ThreadSeam implements ThreadRuntime {
  constructor(
    private readonly runtime: Runtime,
    /** Goroutines placed and not returned (the scheduler's; 0 on a worker). */
    private readonly goroutines: () => number,
    /** A watcher started (its entry) or stopped (null) on this thread. */
    private readonly onWatch: (entry: string | null) => void,
  ) {}

  get thread(): number {
    return this.runtime.id;
  }

  identify(channel: object): readonly [home: number, id: number] | undefined {
    if (channel instanceof RemoteChannel) return [channel.home, channel.remoteId];
    const id = this.runtime.home.knownId(channel);
    return id === undefined ? undefined : [this.runtime.id, id];
  }

  homed(): Iterable<readonly [id: number, channel: object]> {
    return this.runtime.home.crossed();
  }

  gather(ms: number): ThreadAnswer[] {
    return this.runtime.dumps.gather(ms);
  }

  running(): number {
    return this.goroutines();
  }

  watching(entry: string | null): void {
    this.onWatch(entry);
  }
}
