import { Channel, IS_CLOSED, WOULD_BLOCK, type RecvChannel, type SendChannel } from './channel.js';
import { describe } from './describe.js';
import { hooks, random } from './hooks.js';
import { ClosedChannelError, SEND_ON_CLOSED } from './errors.js';
import { pace, resumeWith } from './pace.js';
import { SelectWait } from './select-wait.js';
import { CASE, NONE, Waiter, promiseFor, type WaiterKind } from './waiter.js';

/**
 * RecvCase is a select case that receives, Go's `case v, ok := <-ch:`.
 * Made by {@link recv}.
 */
export interface RecvCase<T> {
  /** Tells a receive case from a send case: always `"recv"`. */
  readonly op: 'recv';
  /** The channel the case receives from; null for a case that is never ready (Go's nil channel). */
  readonly channel: RecvChannel<T> | null;
}

/**
 * SendCase is a select case that sends, Go's `case ch <- value:`.
 * Made by {@link send}.
 */
export interface SendCase<T> {
  /** Tells a send case from a receive case: always `"send"`. */
  readonly op: 'send';
  /** The channel the case sends on; null for a case that is never ready (Go's nil channel). */
  readonly channel: SendChannel<T> | null;
  /** The value the case sends if it runs. */
  readonly value: T;
}

/** Case is one entry of a select's case list, Go's `case` clause: a receive or a send case, or `null`/`undefined` for a case that is never ready (Go's nil channel). */
export type Case = RecvCase<any> | SendCase<any> | null | undefined;

/** CaseResult is what case `I` of type `C` yields when it runs: Go's `v, ok` of a receive case, or nothing for a send case. */
export type CaseResult<C, I extends number> =
  C extends RecvCase<infer T>
    ? [index: I, value: T, ok: true] | [index: I, value: undefined, ok: false]
    : C extends SendCase<any>
      ? [index: I, value: undefined, ok: true]
      : never;

/**
 * SelectResult is the result of a select over `Cs`: which case ran (Go's
 * `switch` over the `case` clauses) and what it received, as
 * `[index, value, ok]` — a union with one member per case, so that testing
 * `index` narrows `value` and `ok`.
 */
export type SelectResult<Cs extends readonly Case[]> = {
  [K in keyof Cs]: CaseResult<Cs[K], K extends `${infer I extends number}` ? I : number>;
}[number];

// A case is one object with its channel (and value): `op` is a getter on the
// prototype, so that making a case stores nothing more (a select's case list
// is made anew on every run, as Go's is).
class Recv<T> implements RecvCase<T> {
  constructor(readonly channel: Channel<T> | null) {}
  get op(): 'recv' {
    return 'recv';
  }
}

class Send<T> implements SendCase<T> {
  constructor(
    readonly channel: Channel<T> | null,
    readonly value: T,
  ) {}
  get op(): 'send' {
    return 'send';
  }
}

/**
 * recv makes a select case that receives from `channel`: Go's
 * `case v, ok := <-channel:`. When it runs, the select yields
 * `[index, value, true]`, or `[index, undefined, false]` once the channel is
 * closed and drained.
 *
 * `recv(null)` (or `undefined`) is a case that is never ready, as a receive
 * from a nil channel in Go: set a channel variable to null to switch its case
 * off in a select loop.
 *
 * The case is frozen and belongs to the channel: `recv(ch)` returns the same
 * one every time, so a select loop's receive cases cost nothing to make.
 *
 * @throws TypeError if `channel` is neither a {@link Channel} nor null.
 */
export function recv<T>(channel: RecvChannel<T> | null | undefined): RecvCase<T> {
  // A receive case holds nothing but its channel, so each channel keeps one,
  // frozen, and every select over it reuses that one: a select loop makes its
  // case list anew each time round, as Go code writes it, and its receive
  // cases then cost no allocation.
  //
  // Only the reuse is here, the rest is out of line in makeRecv: V8's
  // optimizing compiler inlines calls until their bytecode adds up to 920
  // bytes per optimized function, and a 4-case select inlines recv() 4 times.
  // At 98 bytes, those took 392 of them, and take()'s dequeue and wakeSender
  // were left as calls (--trace-turbo-inlining, the fan-in benchmark); at 28,
  // they are inlined again.
  if (channel instanceof Channel) {
    const made = channel.recvCase;
    if (made !== null) return made as Recv<T>;
  }
  return makeRecv(channel);
}

/** recv() for a channel's first receive case, for null, and for what is no channel at all. */
function makeRecv<T>(channel: RecvChannel<T> | null | undefined): RecvCase<T> {
  if (channel instanceof Channel) return (channel.recvCase = Object.freeze(new Recv(channel)));
  if (channel === null || channel === undefined) return NIL_RECV;
  throw new TypeError(`recv: expected a Channel or null, got ${describe(channel)}`);
}

/** recv(null): a case that is never ready, shared like a channel's own. */
const NIL_RECV: Recv<never> = Object.freeze(new Recv<never>(null));

/**
 * send makes a select case that sends `value` on `channel`: Go's
 * `case channel <- value:`. When it runs, the select yields
 * `[index, undefined, true]`; if the channel is closed, the select rejects
 * with ClosedChannelError instead, as Go panics.
 *
 * `send(null, value)` (or `undefined`) is a case that is never ready, as a
 * send on a nil channel in Go.
 *
 * @throws TypeError if `channel` is neither a {@link Channel} nor null.
 */
export function send<T>(channel: SendChannel<T> | null | undefined, value: T): SendCase<T> {
  return new Send(asChannel(channel, 'send'), value);
}

/**
 * select is Go's `select` statement without a default case: it waits until
 * one of the cases can run, runs exactly that one, and resolves with
 * `[index, value, ok]` — `index` is the case's position in `cases`, and
 * TypeScript narrows `value` and `ok` by it.
 *
 * When several cases are ready, one is chosen uniformly at random, as in Go.
 * A case that did not run took no value and sent none.
 *
 * @param cases - Cases made by {@link recv} and {@link send}; `null` and
 *   `undefined`, like `recv(null)` and `send(null, v)`, are cases that are
 *   never ready (Go's nil channel). With no
 *   ready-able case and no signal, select waits forever, like Go's `select {}`.
 * @param signal - Aborting it while the select waits withdraws every case and
 *   rejects with `signal.reason`.
 * @throws ClosedChannelError (as a rejection) if the chosen case sends on a
 *   closed channel.
 * @throws TypeError if an entry of `cases` is not a case.
 *
 * @example
 * ```ts
 * const [i, v, ok] = await select([recv(jobs), recv(ctx.done()), send(out, x)]);
 * if (i === 0 && ok) console.log('job', v);
 * ```
 */
export function select<const Cs extends readonly Case[]>(cases: Cs, signal?: AbortSignal): Promise<SelectResult<Cs>> {
  if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
  try {
    for (let chosen = pollCases(cases); chosen >= 0; chosen = pollCases(cases)) {
      // pace() and Promise.resolve here, beside runCase's array: see pacedWith.
      const wait = pace();
      const result = runCase(cases, chosen) as SelectResult<Cs> | null;
      if (result === null) continue; // its partner was a stale case of another thread's select: poll again
      return wait === null ? Promise.resolve(result) : resumeWith(wait, result);
    }
  } catch (error) {
    return Promise.reject(error);
  }
  return park(cases, signal) as Promise<SelectResult<Cs>>;
}

/**
 * trySelect is Go's `select` with a `default` case: it runs one ready case,
 * chosen uniformly at random, and returns `[index, value, ok]` as
 * {@link select} does, or returns `undefined` (the default case) when no case
 * is ready.
 *
 * @throws ClosedChannelError if the chosen case sends on a closed channel.
 * @throws TypeError if an entry of `cases` is not a case.
 */
export function trySelect<const Cs extends readonly Case[]>(cases: Cs): SelectResult<Cs> | undefined {
  for (let chosen = pollCases(cases); chosen >= 0; chosen = pollCases(cases)) {
    const result = runCase(cases, chosen) as SelectResult<Cs> | null;
    if (result !== null) return result;
  }
  if (hasForeign(cases)) {
    throw new TypeError('trySelect: a case is on a channel of another thread, which cannot be polled without waiting; use select() with an AbortSignal');
  }
  return undefined;
}

/**
 * A select over channels of other threads, installed by `@gochan/threads`
 * (see {@link setForeignSelect}); null while no thread runtime is loaded.
 */
let foreignSelect: ((cases: readonly Case[], signal: AbortSignal | undefined) => Promise<[number, unknown, boolean]>) | null = null;

/**
 * setForeignSelect installs how a select that found no case ready waits
 * when one of its cases is on a channel of another thread (a channel whose
 * `foreign` is true). It is the seam through which `@gochan/threads` runs
 * Go's select across threads; application code has no use for it.
 *
 * @param park - Waits for and runs exactly one case of `cases`, as a
 *   parked select does; null removes it.
 */
export function setForeignSelect(park: ((cases: readonly Case[], signal: AbortSignal | undefined) => Promise<[number, unknown, boolean]>) | null): void {
  foreignSelect = park;
}

function hasForeign(cases: readonly Case[]): boolean {
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    if (c != null && c.channel !== null && (c.channel as Channel<unknown>).foreign) return true;
  }
  return false;
}

/**
 * Indices of the cases the last poll found ready. Shared by every select:
 * a poll runs no user code between filling it and reading it (its one call
 * out, the seam's random(), is a test runtime's draw, which never selects),
 * so no other select can use it meanwhile. It holds small integers only (no
 * write barriers) and grows to the longest case list seen.
 */
const ready: number[] = [];

/**
 * Go's pollorder: the index of a ready case chosen uniformly at random among
 * the ready ones, or -1. Go shuffles the cases and takes the first ready one;
 * collecting the ready ones and drawing once among them is the same choice
 * with one draw instead of one per case (and none when only one is ready).
 * Validates every entry on the way. A send on a closed channel counts as
 * ready: running it is what fails, as in Go.
 */
export function pollCases(cases: readonly Case[]): number {
  if (!Array.isArray(cases)) throw new TypeError(`select: expected an array of cases, got ${describe(cases)}`);
  let count = 0;
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    if (c === null || c === undefined) continue;
    if (c instanceof Recv) {
      if (c.channel !== null && c.channel.canRecv()) ready[count++] = i;
    } else if (c instanceof Send) {
      if (c.channel !== null && c.channel.canSend()) ready[count++] = i;
    } else {
      throw new TypeError(`select: case ${i} is not a case made by recv() or send(), got ${describe(c)}`);
    }
  }
  if (count <= 1) return count === 0 ? -1 : (ready[0] as number);
  return ready[Math.floor(random() * count)] as number; // seam: random draw
}

/**
 * Runs a case that pollCases found ready; null when what made it ready was a
 * stale case of another thread's select (dropped meanwhile: poll again).
 */
function runCase(cases: readonly Case[], index: number): [number, unknown, boolean] | null {
  const c = cases[index] as Recv<unknown> | Send<unknown>;
  const channel = c.channel as Channel<unknown>;
  if (c instanceof Recv) {
    // Ready means a value, a waiting sender, or closed (then drained).
    if (channel.buffer.length > 0 || channel.sendq.head !== null) {
      const value = channel.take();
      if (typeof value !== 'symbol' || value !== NONE) return [index, value, true]; // see NONE
      if (!channel.isClosed) return null;
    }
    return [index, undefined, false];
  }
  const outcome = channel.offer((c as Send<unknown>).value);
  if (outcome === IS_CLOSED) throw new ClosedChannelError(SEND_ON_CLOSED);
  return outcome === WOULD_BLOCK ? null : [index, undefined, true];
}

/**
 * Go's selectgo when no case is ready: one waiter (sudog) per case, queued on
 * its channel, all sharing one SelectWait and one promise. They are queued
 * in a random order (Go queues in lockorder, which follows its random
 * pollorder among cases on one channel), so that when one partner could
 * serve two cases of this select (two receives on one channel) either runs.
 */
function park(cases: readonly Case[], signal: AbortSignal | undefined): Promise<[number, unknown, boolean]> {
  if (foreignSelect !== null && hasForeign(cases)) {
    const across = foreignSelect(cases, signal);
    return hooks === null ? across : hooks.park(across, 'select', cases); // seam: park (a select across threads)
  }
  const wait = new SelectWait(signal);
  const promise = promiseFor<[number, unknown, boolean]>(wait);
  parkCases(cases, wait, CASE);
  if (signal !== undefined) signal.addEventListener('abort', wait, { once: true });
  return hooks === null ? promise : hooks.park(promise, wait.waiters.length === 0 ? 'select (no cases)' : 'select', cases); // seam: park
}

/**
 * @internal Queues one waiter of `kind` per case of `cases` on this thread's
 * channels (a foreign channel's case is left to the thread runtime), all
 * belonging to `wait`.
 */
export function parkCases(cases: readonly Case[], wait: SelectWait, kind: WaiterKind): void {
  const waiters = wait.waiters;
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    if (c == null || c.channel === null || (c.channel as Channel<unknown>).foreign) continue;
    waiters.push(new Waiter(kind, c instanceof Send ? c.value : undefined, wait, i));
  }
  // Fisher–Yates over the waiters themselves: the random order costs no array.
  for (let i = waiters.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1)); // seam: random draw
    const swap = waiters[i] as Waiter;
    waiters[i] = waiters[j] as Waiter;
    waiters[j] = swap;
  }
  for (let k = 0; k < waiters.length; k++) {
    const waiter = waiters[k] as Waiter;
    const c = cases[waiter.index] as Recv<unknown> | Send<unknown>;
    const channel = c.channel as Channel<unknown>;
    if (c instanceof Recv) channel.recvq.enqueue(waiter);
    else channel.sendq.enqueue(waiter);
  }
}

function asChannel<T>(channel: RecvChannel<T> | SendChannel<T> | null | undefined, what: 'recv' | 'send'): Channel<T> | null {
  // The nil channel (nil.ts) carries recv(null)'s case as its own: its cases are null's.
  if (channel instanceof Channel) return channel.recvCase === NIL_RECV ? null : channel;
  if (channel === null || channel === undefined) return null;
  throw new TypeError(`${what}: expected a Channel or null, got ${describe(channel)}`);
}
