import { DeadlineExceeded, afterFunc, background, withCancelCause, withDeadline, type Context } from '@gochan/context';
import { decode, decodeError, encode, encodeError } from './codec.js';
import type { Message, WireError } from './protocol.js';
import type { Runtime } from './runtime.js';

/*
 * Contexts that cross threads. A context passed to another thread arrives as
 * a context of that thread's own (so that its done() channel and signal are
 * local there, and a select on ctx.done() costs nothing across threads),
 * with the same deadline, and cancelled when the original is: its home
 * watches it with afterFunc and tells every thread when it is cancelled.
 *
 * Values (ctx.value) do not cross: their keys are objects of one thread.
 *
 * Invariants:
 *  - A context is in `exported` from its first crossing until it is
 *    cancelled, when the news goes to every thread and the entry is dropped.
 *  - An imported context is in `imported` until its cancellation arrives
 *    (or its home dies, which cancels it with the ThreadExitError).
 */
export class Contexts {
  private readonly exported = new Map<Context, number>();
  private readonly byId = new Map<number, Context>();
  private nextId = 1;
  private readonly imported = new Map<string, { ctx: Context; cancel: (cause?: unknown) => void }>();

  constructor(private readonly runtime: Runtime) {}

  /** The id under which other threads name `ctx`. */
  export(ctx: Context): [home: number, id: number] {
    const known = this.exported.get(ctx);
    if (known !== undefined) return [this.runtime.id, known];
    const id = this.nextId++;
    if (ctx.err() === undefined) {
      this.exported.set(ctx, id);
      this.byId.set(id, ctx);
      afterFunc(ctx, () => {
        this.exported.delete(ctx);
        this.byId.delete(id);
        const deadline = ctx.err() === DeadlineExceeded;
        const cause = ctx.cause();
        this.runtime.broadcast({ t: 'cancel', to: -1, home: this.runtime.id, id, deadline, cause: cause instanceof Error ? encodeError(cause, this.runtime, -1) : encode(cause, this.runtime, -1) });
      });
    }
    return [this.runtime.id, id];
  }

  /** The context a reference names: the original at home, a follower elsewhere. */
  import(home: number, id: number, deadline: number | undefined, cancelled: WireError | undefined): Context {
    if (home === this.runtime.id) {
      const own = this.byId.get(id);
      if (own !== undefined) return own;
    }
    const key = `${home}:${id}`;
    const known = this.imported.get(key);
    if (known !== undefined) return known.ctx;
    const [base, cancel] = withCancelCause(background());
    const ctx = deadline === undefined ? base : withDeadline(base, deadline)[0];
    if (cancelled !== undefined) {
      cancel(decodeError(cancelled, this.runtime));
      return ctx;
    }
    if (this.runtime.deathOf(home) !== undefined) {
      cancel(this.runtime.deathOf(home));
      return ctx;
    }
    this.imported.set(key, { ctx, cancel });
    return ctx;
  }

  /** A context's home says it was cancelled. */
  cancelled(message: Extract<Message, { t: 'cancel' }>): void {
    const key = `${message.home}:${message.id}`;
    const known = this.imported.get(key);
    if (known === undefined) return;
    this.imported.delete(key);
    // Past its deadline: this thread's own copy of the deadline expires it,
    // with Go's DeadlineExceeded (the same wall clock, to the millisecond).
    if (message.deadline && known.ctx.deadline() !== undefined) return;
    const wire = message.cause;
    known.cancel(isWireError(wire) ? decodeError(wire, this.runtime) : decode(wire, this.runtime));
  }

  /** `thread` died: the contexts it had passed on can no longer be cancelled by it, so they are cancelled now. */
  died(thread: number, reason: Error): void {
    const prefix = `${thread}:`;
    for (const [key, known] of [...this.imported]) {
      if (!key.startsWith(prefix)) continue;
      this.imported.delete(key);
      known.cancel(reason);
    }
  }
}

function isWireError(value: unknown): value is WireError {
  return typeof value === 'object' && value !== null && typeof (value as WireError).name === 'string' && typeof (value as WireError).message === 'string' && 'stack' in value;
}
