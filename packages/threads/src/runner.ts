import { describe } from '@gochan/channel';
import { decode, decodeError, encode, encodeError } from './codec.js';
import type { Message } from './protocol.js';
import type { Goroutines, Runtime } from './runtime.js';

/**
 * Runner runs goroutines on a worker thread of the pool: each `go` message
 * imports its module (once: import() caches it) and calls the default export
 * with the arguments, and the result or the error goes back as `ret`. Many
 * goroutines share the thread: one that awaits frees it for the others, as
 * Go multiplexes goroutines on a thread.
 *
 * A goroutine that calls go() itself asks the main thread to place the new
 * goroutine (`start`), and gets its result back here.
 */
export class Runner implements Goroutines {
  private readonly started = new Map<number, { resolve(value: unknown): void; reject(reason: unknown): void }>();
  private nextOp = 1;

  constructor(private readonly runtime: Runtime) {}

  go(message: Extract<Message, { t: 'go' }>): void {
    const runtime = this.runtime;
    const { from, op, url } = message;
    let args: unknown[];
    try {
      args = message.args.map((arg) => decode(arg, runtime));
    } catch (error) {
      runtime.post({ t: 'ret', to: from, op, e: encodeError(error, runtime, from) });
      return;
    }
    import(url)
      .then((module: { default?: unknown }) => {
        const fn = module.default;
        if (typeof fn !== 'function') throw new TypeError(`go: ${url} has no default export to run (its default export is ${describe(fn)})`);
        return fn(...args);
      })
      .then(
        (value) => runtime.post({ t: 'ret', to: from, op, v: encode(value, runtime, from) }),
        (error) => runtime.post({ t: 'ret', to: from, op, e: encodeError(error, runtime, from) }),
      );
  }

  /** go() called by a goroutine on this thread. */
  start(url: string, args: unknown[]): Promise<unknown> {
    const runtime = this.runtime;
    const op = this.nextOp++;
    return new Promise((resolve, reject) => {
      this.started.set(op, { resolve, reject });
      runtime.post({ t: 'go', to: 0, from: runtime.id, op, url, args: args.map((arg) => encode(arg, runtime, 0)) });
    });
  }

  ret(message: Extract<Message, { t: 'ret' }>): void {
    const started = this.started.get(message.op);
    if (started === undefined) return;
    this.started.delete(message.op);
    if (message.e !== undefined) started.reject(decodeError(message.e, this.runtime));
    else started.resolve(decode(message.v, this.runtime));
  }

  refused(message: Extract<Message, { t: 'go' | 'ret' }>, error: unknown): void {
    const why = error instanceof Error ? error.message : String(error);
    if (message.t === 'ret') {
      const failure = new TypeError(`go: the goroutine's result cannot cross to thread ${message.to}: ${why}`, { cause: error });
      this.runtime.post({ t: 'ret', to: message.to, op: message.op, e: encodeError(failure, this.runtime, message.to) });
      return;
    }
    const started = this.started.get(message.op);
    if (started === undefined) return;
    this.started.delete(message.op);
    started.reject(new TypeError(`go: an argument cannot cross to another thread: ${why}`, { cause: error }));
  }
}
