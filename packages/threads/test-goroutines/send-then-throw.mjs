// Sends numbers from `start` on `output`; at the `dieAt`th it starts the send and throws an error nothing
// catches, then waits: the thread dies of it mid-send (a browser's way to kill a thread; on Node, see send-then-exit).
export default async function sendThenThrow(output, start, dieAt) {
  for (let i = 0; ; i++) {
    if (i === dieAt) {
      void output.send(start + i);
      queueMicrotask(() => {
        throw new Error(`killed at ${dieAt}`);
      });
      return new Promise(() => {});
    }
    await output.send(start + i);
  }
}
