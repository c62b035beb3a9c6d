// Ends its thread with `code`, after telling `started` it is about to (if given).
export default async function exit(code, started, parkOn) {
  if (parkOn) void parkOn.recv(); // a receive parked at another thread's channel when the thread dies
  if (started) await started.send('exiting');
  process.exit(code);
}
