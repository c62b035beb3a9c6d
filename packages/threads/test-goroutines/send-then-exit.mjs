// Sends numbers from `start` on `output`; at the `exitAt`th it starts the send and ends its thread at once (mid-send).
export default async function sendThenExit(output, start, exitAt) {
  for (let i = 0; ; i++) {
    if (i === exitAt) {
      void output.send(start + i);
      process.exit(1);
    }
    await output.send(start + i);
  }
}
