/**
 * Codec turns a job's payload into text and back, for a store (Go's
 * `encoding/json` `Marshal` and `Unmarshal`, or any other encoding): a payload
 * that waits in a database or crosses to another process must be data, not
 * a live object. The pool encodes at `submit` (a payload that cannot be
 * encoded is refused there, and nothing is stored) and decodes when it
 * claims the job.
 *
 * A codec must give back what the handler's type says it gets: decode of
 * encode of a payload is that payload, as far as its type can tell.
 *
 * @typeParam P - The jobs' payload.
 */
export interface Codec<P> {
  /** encode renders a payload as text; it throws for a payload it cannot render. */
  encode(payload: P): string;
  /** decode rebuilds the payload from what encode rendered; it throws for text it cannot read. */
  decode(text: string): P;
}

/*
 * The default codec is JSON, and the payload types it admits are the ones
 * JSON gives back unchanged. Go's encoding/json can decode a time.Time
 * because the destination's static type drives Unmarshal; TypeScript's
 * types are gone at run time, so JSON.parse cannot know that a string was
 * a Date. Rather than let a `Date` payload arrive as a string still typed
 * Date, both halves refuse it:
 *  - at compile time, {@link JsonPayload} maps a payload type to its JSON
 *    image, and a pool with a store and no codec of its own requires the
 *    payload type to be its own image ({@link PayloadCodec});
 *  - at run time, jsonCodec's encode throws for every value JSON would
 *    change (the types cannot see `number` being NaN, or an array holding
 *    undefined), so that submit refuses the job before anything is stored.
 */

/**
 * JsonPayload is what JSON gives back for a payload of type `P`: `P`
 * itself where it is made of strings, finite numbers, booleans, null,
 * arrays and plain objects of them (an optional property may be missing),
 * and `never` in place of anything else (a Date, a Map, a bigint, a
 * function, a class with methods). `P` is a payload the default codec
 * round-trips exactly when `P` is assignable to `JsonPayload<P>`.
 * `unknown` and `any` are not checked.
 *
 * @typeParam P - A payload type.
 */
export type JsonPayload<P> = unknown extends P
  ? P
  : P extends string | number | boolean | null | undefined // what JSON carries as itself
    ? P
    : // what JSON turns into something else (a string, `{}`), or cannot carry
      P extends Function | symbol | bigint | Date | RegExp | Map<unknown, unknown> | Set<unknown> | WeakMap<object, unknown> | WeakSet<object> | ArrayBuffer | ArrayBufferView | Promise<unknown> | Error
      ? never
      : P extends object
        ? { [K in keyof P]: JsonPayload<P[K]> }
        : never;

/**
 * PayloadCodec is what a pool's options must add for payload type `P`:
 * nothing when the default {@link jsonCodec} round-trips `P`
 * ({@link JsonPayload}); otherwise, with a store, a `codec` of its own
 * (without a store, payloads never leave the process and need none).
 *
 * @typeParam P - The jobs' payload.
 */
export type PayloadCodec<P> = [P] extends [JsonPayload<P>]
  ? unknown
  :
      | {
          /** No store: the payloads never leave the process. */
          store?: undefined;
        }
      | {
          /** A codec that gives back what the payload type says. */
          codec: Codec<P>;
        };

/**
 * jsonCodec is the default {@link Codec}, as Go's `encoding/json` is for most
 * queues: `JSON.stringify` and `JSON.parse`, with `undefined` as the empty
 * string (which JSON never produces). It carries exactly what JSON gives
 * back unchanged: strings, finite numbers, booleans, null, arrays and plain
 * objects of them. Anything else is refused at `submit` with a TypeError
 * that says what and where, rather than changed in silence: a Date (JSON
 * would make it a string), a Map, Set, RegExp or class instance (`{}`),
 * NaN or Infinity (`null`), `undefined` or a function in an array
 * (`null`), a function or symbol in an object (dropped), a BigInt or a
 * cycle (JSON throws). A property whose value is `undefined` is dropped,
 * and reads as undefined again; `-0` arrives as `0`. For other payloads,
 * give the pool a codec of your own.
 */
export const jsonCodec: Codec<unknown> = {
  encode(payload: unknown): string {
    if (payload === undefined) return '';
    const text = JSON.stringify(payload, faithful) as string | undefined;
    if (text === undefined) throw new TypeError(`JSON has no encoding for ${typeof payload === 'function' ? 'a function' : typeof payload}`);
    return text;
  },
  decode(text: string): unknown {
    return text === '' ? undefined : JSON.parse(text);
  },
};

/**
 * The replacer that refuses what JSON would change. It sees each value as
 * it is in its holder (`this[key]`, before any toJSON), and throws naming
 * the value and its path; O(1) per value, so encode stays linear.
 */
function faithful(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  const holderIsArray = Array.isArray(this);
  switch (typeof raw) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(raw)) refuse(String(raw), key, 'null');
      return value;
    case 'undefined':
      if (holderIsArray) refuse('undefined', key, 'null');
      return value;
    case 'function':
    case 'symbol':
      refuse(`a ${typeof raw}`, key, holderIsArray ? 'null' : 'nothing (dropped)');
      break;
    case 'object': {
      if (raw === null || Array.isArray(raw)) return value;
      const proto = Object.getPrototypeOf(raw) as object | null;
      if (proto === Object.prototype || proto === null) return value;
      const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
      refuse(typeof name === 'string' && name !== '' ? `a ${name}` : 'an object with a prototype', key, raw instanceof Date ? 'a string' : 'another kind of object');
    }
  }
  return value;
}

function refuse(what: string, key: string, becomes: string): never {
  const where = key === '' ? '' : ` at key ${JSON.stringify(key)}`;
  throw new TypeError(`JSON would not give back ${what}${where} (it would become ${becomes}): give the pool a codec of its own for such payloads`);
}
