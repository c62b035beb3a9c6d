/**
 * TaskKind is what each task does for its TASK_MS, as `TASK_KIND` names it:
 * `sleep`, the article's `time.Sleep` (the default), which holds a worker
 * and no core; or `cpu`, which computes for TASK_MS on a thread of
 * `@gochan/threads` (the version on @gochan/pool only), so that a task
 * holds a core as real work does, and the server's own thread stays free
 * to answer.
 */
export type TaskKind = 'sleep' | 'cpu';

/**
 * parseTaskKind reads a `TASK_KIND` value.
 *
 * @param accepted - The kinds this server can run.
 * @throws RangeError naming `TASK_KIND`, what it may be, and the value received.
 */
export function parseTaskKind(text: string, accepted: readonly TaskKind[]): TaskKind {
  if ((text === 'sleep' || text === 'cpu') && accepted.includes(text)) return text;
  const note = text === 'cpu' ? ' (this version of the server sleeps, as the article does; the one on @gochan/pool computes on threads)' : '';
  throw new RangeError(`Expected \`TASK_KIND\` to be ${accepted.map((kind) => `\`${kind}\``).join(' or ')}${note}, got ${JSON.stringify(text)}`);
}
