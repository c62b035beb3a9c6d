import type { Channel, RecvChannel, SendChannel } from '@gochan/channel';

/*
 * Names for channels in reports. Go prints no channel names (only the
 * goroutine's stack); here a report says which channel each operation waits
 * on: the label given with label(), else where the channel was made (known
 * only while a runtime that captures stacks was installed when it was
 * made), else its capacity.
 *
 * Both tables are WeakMaps: a label keeps no channel alive, and a channel
 * that was never labelled costs nothing.
 */

/** The labels users gave, by channel (or any object a report may name: a WaitGroup, a mutex). */
const labels = new WeakMap<object, string>();
/** Where each channel was made, recorded by a runtime's `made` hook. */
const madeAt = new WeakMap<object, string>();

/**
 * label names a channel (or a WaitGroup, a semaphore, a mutex) in deadlock
 * reports and dumps, and returns it, so that it can wrap the constructor:
 * `const jobs = label(new Channel<Job>(10), 'jobs')`. Go's reports name no
 * channel; a label is the name you would give the variable.
 *
 * @throws TypeError if `target` is not an object or `name` not a non-empty string.
 */
export function label<C extends Channel<any> | RecvChannel<any> | SendChannel<any> | object>(target: C, name: string): C {
  if (target === null || typeof target !== 'object') throw new TypeError(`label: expected a channel or another object to name, got ${String(target)}`);
  if (typeof name !== 'string' || name === '') throw new TypeError(`label: expected \`name\` to be a non-empty string, got ${JSON.stringify(name)}`);
  labels.set(target, name);
  return target;
}

/** Records where a channel was made (called by the runtimes' `made` hook). */
export function recordMadeAt(target: object, site: string): void {
  madeAt.set(target, site);
}

/** The label of `target`, or undefined. */
export function labelOf(target: object): string | undefined {
  return labels.get(target);
}

/** Where `target` was made, or undefined. */
export function madeAtOf(target: object): string | undefined {
  return madeAt.get(target);
}
