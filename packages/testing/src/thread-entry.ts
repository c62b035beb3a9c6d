/*
 * The module every thread of a @gochan/threads pool loads while a deadlock
 * watcher runs on the main thread (the watcher hands its URL to the thread
 * runtime through @gochan/channel's thread seam): it records this thread's
 * parked operations, as the watcher does on the main thread, so that a dump
 * or a deadlock report can list them. `?stacks=1` in its URL captures the
 * stack of each park, as the watcher's `stacks` option does.
 */
import { currentHooks, installHooks, setThreadWatcher } from '@gochan/channel';
import { ProgramHooks, recordingHooks, setRecording } from './program-hooks.js';
import { localReport } from './thread-report.js';

const stacks = new URL(import.meta.url).searchParams.get('stacks') === '1' || process.env.GOCHAN_TRACEBACK === '1';
const hooks = new ProgramHooks(stacks);

if (currentHooks() === null && recordingHooks() === null) {
  installHooks(hooks);
  setRecording(hooks);
  setThreadWatcher({ entry: import.meta.url, report: () => localReport(hooks.parked.toArray()) });
}

/** The watcher stopped on the main thread: stop recording here. */
export function unwatch(): void {
  if (recordingHooks() !== hooks) return;
  setRecording(null);
  if (currentHooks() === hooks) installHooks(null);
  setThreadWatcher(null);
}
