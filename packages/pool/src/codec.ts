/**
 * Codec turns a job's payload into text and back, for a store (Go's
 * `encoding/json` `Marshal` and `Unmarshal`, or any other encoding): a payload
 * that waits in a database or crosses to another process must be data, not
 * a live object. The pool encodes at `submit` (a payload that cannot be
 * encoded is refused there, and nothing is stored) and decodes when it
 * claims the job.
 *
 * @typeParam P - The jobs' payload.
 */
export interface Codec<P> {
  /** encode renders a payload as text; it throws for a payload it cannot render. */
  encode(payload: P): string;
  /** decode rebuilds the payload from what encode rendered; it throws for text it cannot read. */
  decode(text: string): P;
}

/**
 * jsonCodec is the default {@link Codec}, as Go's `encoding/json` is for most
 * queues: `JSON.stringify` and `JSON.parse`,
 * with `undefined` as the empty string (which JSON never produces). What
 * JSON cannot carry is refused rather than changed in silence where JSON
 * itself says so (a BigInt, a cycle, a function or symbol at the top);
 * what JSON turns into something else (a Date into its ISO string, a Map
 * into `{}`, `undefined` in an object dropped) is JSON's usual behaviour:
 * give a codec of your own for such payloads.
 */
export const jsonCodec: Codec<unknown> = {
  encode(payload: unknown): string {
    if (payload === undefined) return '';
    const text = JSON.stringify(payload) as string | undefined;
    if (text === undefined) throw new TypeError(`JSON has no encoding for ${typeof payload === 'function' ? 'a function' : typeof payload}`);
    return text;
  },
  decode(text: string): unknown {
    return text === '' ? undefined : JSON.parse(text);
  },
};
