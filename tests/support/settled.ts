// Test support for the packages' unit tests (in Node and in Chromium): no Node modules here.

/** Lets pending promise callbacks and one macrotask run. */
export const settle = (): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Whether `promise` has settled once pending callbacks and a macrotask have run. */
export async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await settle();
  return done;
}
