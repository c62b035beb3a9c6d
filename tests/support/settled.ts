// Test support for the packages' unit tests (in Node and in Chromium): no Node modules here.

/** One turn of the macrotask that pacing yields to (packages/channel/src/pace.ts): setImmediate, else a MessageChannel. */
function paceTurn(): Promise<void> {
  const g = globalThis as { setImmediate?: (callback: () => void) => unknown };
  if (typeof g.setImmediate === 'function') return new Promise<void>((resolve) => void g.setImmediate!(resolve));
  return new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}

/**
 * Lets pending promise callbacks run, and the macrotasks already due: a
 * timer's turn, the turn pacing yields to, and a timer's again. An
 * operation that completes without waiting may still resume one macrotask
 * later, when its slice of work ran out (pacing); whether a timer's turn or
 * pacing's comes first depends on the load (Node runs timers before
 * immediates once a millisecond has passed; Chromium orders its task
 * sources as it likes), so a settle waits for both.
 */
export async function settle(): Promise<void> {
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
  await paceTurn();
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
}

/** Whether `promise` has settled once pending callbacks and the macrotasks due have run (see settle). */
export async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await settle();
  return done;
}
