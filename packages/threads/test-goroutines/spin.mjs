// Tells `started` it runs, then computes for ever: a goroutine that ignores every cancellation.
export default async function spin(started) {
  if (started) await started.send('spinning');
  for (;;);
}
