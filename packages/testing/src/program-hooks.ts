import type { ParkReason, RuntimeHooks } from '@gochan/channel';
import { recordMadeAt } from './labels.js';
import { ParkedList } from './parked.js';
import { captureStack, firstPlace } from './stacks.js';

/*
 * The hooks of a watched program, on each of its threads: real time,
 * Math.random, pacing on; only parks are recorded, each linked into a list
 * when it parks and unlinked when its promise settles, O(1) both, plus one
 * reaction on its promise; no stack unless asked for.
 */

/** The hooks of a watched program: real time, Math.random, pacing on; only parks are recorded. */
export class ProgramHooks implements RuntimeHooks {
  readonly pacing = true;
  readonly parked: ParkedList = new ParkedList();

  constructor(private readonly stacks: boolean) {}

  park<R>(promise: Promise<R>, reason: ParkReason, on: unknown): Promise<R> {
    const op = this.parked.add(reason, on, this.stacks ? captureStack() : undefined);
    const parked = this.parked;
    // The caller gets the promise that unlists, not the original: an
    // operation whose rejection the program ignores must still be reported
    // as unhandled, as it is without the watcher. It resumes one microtask
    // later than it would; the order among operations is unchanged.
    return promise.then(
      (value) => {
        parked.remove(op);
        return value;
      },
      (error: unknown) => {
        parked.remove(op);
        throw error;
      },
    );
  }

  made(channel: object): void {
    if (!this.stacks) return;
    const site = firstPlace(captureStack());
    if (site !== undefined) recordMadeAt(channel, site);
  }

  random(): number {
    return Math.random();
  }

  now(): number {
    return performance.now();
  }

  wallNow(): number {
    return Date.now();
  }

  setTimer(callback: () => void, ms: number): unknown {
    return setTimeout(callback, ms);
  }

  clearTimer(): boolean {
    return false;
  }
}

/** The hooks recording this thread's parks: the watcher's on the main thread, the thread entry's on a pool thread. */
let recording: ProgramHooks | null = null;

/** Sets (or clears) the hooks that record this thread's parks. */
export function setRecording(hooks: ProgramHooks | null): void {
  recording = hooks;
}

/** The hooks that record this thread's parks, or null when none do. */
export function recordingHooks(): ProgramHooks | null {
  return recording;
}
