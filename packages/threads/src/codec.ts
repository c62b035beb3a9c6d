import { Channel, ClosedChannelError } from '@gochan/channel';
import { isContext, type Context } from '@gochan/context';
import type { Wire, WireError } from './protocol.js';

/*
 * How values cross a thread: by structured clone, except what must stay
 * itself on both sides. A Channel crosses as a reference to its home, where
 * its state lives, and arrives as the same channel (its home's own object
 * when it comes home, a proxy elsewhere); a Context crosses as a reference
 * whose cancellation follows it. Both may sit anywhere inside a value: in an
 * array, a plain object, a Map or a Set, as Go passes a struct holding a
 * channel.
 *
 * A value holding none of them is passed to structured clone untouched (one
 * walk to find out, no copy); one holding some is copied with each replaced
 * by a tagged plain object, and rebuilt on the other side.
 */

/** The key that marks a reference; no user object is expected to have it. */
const TAG = '\u0000gochan';

/** What the runtime of this thread does for the codec. */
export interface Crossing {
  /** A reference to `channel` for thread `to` (counted: references.ts): its home and its id there. */
  exportChannel(channel: Channel<unknown>, to: number): [home: number, id: number];
  /** The channel a reference names: its own object at home, a proxy elsewhere. */
  importChannel(home: number, id: number, capacity: number): Channel<unknown>;
  /** A reference to `ctx` for `to`. */
  exportContext(ctx: Context, to: number): [home: number, id: number];
  /** The context a reference names. */
  importContext(home: number, id: number, deadline: number | undefined, cancelled: WireError | undefined): Context;
}

/** encode prepares `value` for `to`; the result is what postMessage clones. */
export function encode(value: unknown, crossing: Crossing, to: number): Wire {
  if (typeof value !== 'object' || value === null) return value;
  if (!find(value, isReference, null)) return value;
  return replace(value, crossing, to, new Map());
}

/** decode rebuilds what encode prepared. */
export function decode(wire: Wire, crossing: Crossing): unknown {
  if (typeof wire !== 'object' || wire === null) return wire;
  if (!find(wire, isTagged, null)) return wire;
  return restore(wire, crossing, new Map());
}

function isWalked(value: object): boolean {
  if (Array.isArray(value) || value instanceof Map || value instanceof Set) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** What encode looks for: a channel or a context, anywhere. */
function isReference(value: object): boolean {
  return value instanceof Channel || isContext(value);
}

/** What decode looks for: a plain object carrying TAG. */
function isTagged(value: object): boolean {
  return !Array.isArray(value) && !(value instanceof Map) && !(value instanceof Set) && isWalked(value) && TAG in value;
}

/**
 * Whether `value` or anything inside it (arrays, plain objects, Maps, Sets)
 * is what `match` looks for. Every message's value is walked once, so the
 * walk allocates nothing for a value that holds no object within it (a
 * pool's job tuple of an id and a payload): `seen`, which stops a cycle, is
 * made only when the walk first goes down into an object inside another.
 */
function find(value: object, match: (value: object) => boolean, seen: Set<object> | null): boolean {
  if (match(value)) return true;
  if (!isWalked(value)) return false;
  if (seen !== null) {
    if (seen.has(value)) return false;
    seen.add(value);
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' && item !== null && find(item, match, (seen ??= new Set([value])))) return true;
    }
  } else if (value instanceof Map) {
    for (const [k, v] of value) {
      if (typeof k === 'object' && k !== null && find(k, match, (seen ??= new Set([value])))) return true;
      if (typeof v === 'object' && v !== null && find(v, match, (seen ??= new Set([value])))) return true;
    }
  } else if (value instanceof Set) {
    for (const item of value) {
      if (typeof item === 'object' && item !== null && find(item, match, (seen ??= new Set([value])))) return true;
    }
  } else {
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const item: unknown = (value as Record<string, unknown>)[key];
      if (typeof item === 'object' && item !== null && find(item, match, (seen ??= new Set([value])))) return true;
    }
  }
  return false;
}

function replace(value: unknown, crossing: Crossing, to: number, memo: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Channel) {
    const [home, id] = crossing.exportChannel(value, to);
    return { [TAG]: 'chan', home, id, capacity: value.capacity };
  }
  if (isContext(value)) {
    const [home, id] = crossing.exportContext(value as Context, to);
    const ctx = value as Context;
    const err = ctx.err();
    return {
      [TAG]: 'ctx',
      home,
      id,
      deadline: ctx.deadline()?.getTime(),
      cancelled: err === undefined ? undefined : encodeError(ctx.cause() ?? err, crossing, to),
    };
  }
  if (!isWalked(value)) return value;
  const done = memo.get(value);
  if (done !== undefined) return done;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    memo.set(value, copy);
    for (const item of value) copy.push(replace(item, crossing, to, memo));
    return copy;
  }
  if (value instanceof Map) {
    const copy = new Map();
    memo.set(value, copy);
    for (const [k, v] of value) copy.set(replace(k, crossing, to, memo), replace(v, crossing, to, memo));
    return copy;
  }
  if (value instanceof Set) {
    const copy = new Set();
    memo.set(value, copy);
    for (const item of value) copy.add(replace(item, crossing, to, memo));
    return copy;
  }
  const copy: Record<string, unknown> = Object.getPrototypeOf(value) === null ? Object.create(null) : {};
  memo.set(value, copy);
  for (const key of Object.keys(value)) copy[key] = replace((value as Record<string, unknown>)[key], crossing, to, memo);
  return copy;
}

function restore(wire: unknown, crossing: Crossing, memo: Map<object, unknown>): unknown {
  if (typeof wire !== 'object' || wire === null || !isWalked(wire)) return wire;
  const done = memo.get(wire);
  if (done !== undefined) return done;
  if (Array.isArray(wire)) {
    const copy: unknown[] = [];
    memo.set(wire, copy);
    for (const item of wire) copy.push(restore(item, crossing, memo));
    return copy;
  }
  if (wire instanceof Map) {
    const copy = new Map();
    memo.set(wire, copy);
    for (const [k, v] of wire) copy.set(restore(k, crossing, memo), restore(v, crossing, memo));
    return copy;
  }
  if (wire instanceof Set) {
    const copy = new Set();
    memo.set(wire, copy);
    for (const item of wire) copy.add(restore(item, crossing, memo));
    return copy;
  }
  const record = wire as Record<string, unknown>;
  if (record[TAG] === 'chan') {
    return crossing.importChannel(record['home'] as number, record['id'] as number, record['capacity'] as number);
  }
  if (record[TAG] === 'ctx') {
    return crossing.importContext(
      record['home'] as number,
      record['id'] as number,
      record['deadline'] as number | undefined,
      record['cancelled'] as WireError | undefined,
    );
  }
  const copy: Record<string, unknown> = Object.getPrototypeOf(wire) === null ? Object.create(null) : {};
  memo.set(wire, copy);
  for (const key of Object.keys(record)) copy[key] = restore(record[key], crossing, memo);
  return copy;
}

/** encodeError keeps what a thrown value says: its class's name, message, stack, cause and code. */
export function encodeError(error: unknown, crossing: Crossing, to: number): WireError {
  if (error instanceof Error) {
    const wire: WireError = { name: error.name, message: error.message, stack: error.stack };
    if ('cause' in error) {
      wire.hasCause = true;
      wire.cause = error.cause instanceof Error ? encodeError(error.cause, crossing, to) : safe(error.cause, crossing, to);
    }
    const code = (error as { code?: unknown }).code;
    if (code !== undefined) wire.code = code;
    return wire;
  }
  return { name: 'Error', message: typeof error === 'string' ? error : `non-error thrown: ${String(error)}`, hasCause: true, cause: safe(error, crossing, to) };
}

/** A cause that structured clone cannot carry crosses as its description. */
function safe(value: unknown, crossing: Crossing, to: number): Wire {
  try {
    const wire = encode(value, crossing, to);
    structuredClone(wire);
    return wire;
  } catch {
    return String(value);
  }
}

/** Error classes rebuilt as themselves, by name: the ones gochan's callers test with instanceof. */
const KNOWN: Record<string, new (message: string) => Error> = {
  ClosedChannelError: ClosedChannelError as unknown as new (message: string) => Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
};

/** decodeError rebuilds a thrown error on this thread, with the other thread's stack. */
export function decodeError(wire: WireError, crossing: Crossing): Error {
  const Known = KNOWN[wire.name];
  const error = Known !== undefined ? new Known(wire.message) : new Error(wire.message);
  if (Known === undefined && wire.name !== 'Error') error.name = wire.name;
  if (wire.stack !== undefined) error.stack = wire.stack;
  if (wire.hasCause === true) {
    const cause = wire.cause;
    Object.defineProperty(error, 'cause', {
      value: isWireError(cause) ? decodeError(cause, crossing) : decode(cause, crossing),
      writable: true,
      configurable: true,
    });
  }
  if (wire.code !== undefined) Object.defineProperty(error, 'code', { value: wire.code, writable: true, configurable: true, enumerable: true });
  return error;
}

function isWireError(value: unknown): value is WireError {
  return typeof value === 'object' && value !== null && typeof (value as WireError).name === 'string' && typeof (value as WireError).message === 'string' && !(TAG in value);
}
