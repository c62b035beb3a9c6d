// A stand-in for a deadlock watcher's thread entry (what @gochan/testing's
// thread-entry.js does): registers a watcher whose report names the thread.
import { setThreadWatcher, threadRuntime } from '@gochan/channel';

setThreadWatcher({ entry: import.meta.url, report: () => ({ thread: threadRuntime()?.thread }) });

export function unwatch() {
  setThreadWatcher(null);
}
