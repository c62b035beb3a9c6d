// Waits until `ctx` is cancelled, through its signal, and reports its error and cause.
export default async function contextWait(ctx, started) {
  await started.send('waiting');
  if (!ctx.signal.aborted) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
  return { err: ctx.err()?.message, cause: ctx.cause()?.message, deadline: ctx.deadline()?.getTime() };
}
