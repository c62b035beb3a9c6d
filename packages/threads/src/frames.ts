import type { Message, WireCase } from './protocol.js';

/*
 * Frames: how a batch of messages is laid out for postMessage. A batch is
 * one flat array, each message a tag and its fields in a fixed order, so
 * that structured clone copies small integers and the values themselves and
 * not, for every message, an object with its property names (measured with
 * v8.serialize on 64 `sel` messages: 795 ns a message to serialize and
 * 1,073 to read back as objects, 166 and 300 as frames).
 *
 * Optional fields are written as `undefined`, and read back as absent:
 * every reader tests them with `=== undefined`.
 */

const SEL = 0;
const DONE = 1;
const UNSEL = 2;
const CLOSE = 3;
const GO = 4;
const RET = 5;
const CANCEL = 6;
const DIED = 7;
const REF = 8;
const FREE = 9;
const IDLE = 10;
const DUMP = 11;
const WATCH = 12;
const SERVE = 13;
// Compact forms of the two messages every channel operation across threads
// sends (a 'sel' of one case with no shared claim, and the 'done' of a case
// that ran): four and two fewer fields for structured clone to copy and for
// the other thread to read, of the 17 to 18 fields a job's two operations
// cost in the full forms.
/** 'sel' of one receive case, slot -1: to, from, op, i, id. */
const RECV1 = 14;
/** 'sel' of one send case, slot -1: to, from, op, i, id, v. */
const SEND1 = 15;
/** 'done' of a case that ran (ok true, no error): to, op, i, v. */
const RAN = 16;

/**
 * Batch is a batch being written, its fields `items[0..n)`. The array is
 * written in place and keeps its length from one batch to the next: `take`
 * copies out the first `n` for postMessage and clears them, so that the
 * hundreds of fields a thread sends in a turn do not grow a new array,
 * reallocated half a dozen times on the way, every turn (an array grown by
 * push is several times the size of its fields in garbage).
 */
export class Batch {
  readonly items: unknown[] = [];
  n = 0;

  /** The batch as postMessage sends it, a packed array of its `n` fields; the batch is empty after. */
  take(): unknown[] {
    const fields = this.items.slice(0, this.n);
    this.items.fill(undefined, 0, this.n); // keeps no value alive past its batch
    this.n = 0;
    return fields;
  }
}

function put(out: Batch, field: unknown): void {
  out.items[out.n++] = field;
}

/** Appends `message` to the batch `out`. */
export function pack(message: Message, out: Batch): void {
  switch (message.t) {
    case 'sel': {
      const { cases } = message;
      if (message.slot < 0 && cases.length === 1) {
        const c = cases[0] as WireCase;
        if (c.length === 3) { put(out, SEND1); put(out, message.to); put(out, message.from); put(out, message.op); put(out, c[0]); put(out, c[1]); put(out, c[2]); }
        else { put(out, RECV1); put(out, message.to); put(out, message.from); put(out, message.op); put(out, c[0]); put(out, c[1]); }
        return;
      }
      put(out, SEL); put(out, message.to); put(out, message.from); put(out, message.op); put(out, message.slot); put(out, message.gen); put(out, cases.length);
      for (const c of cases) {
        if (c.length === 3) { put(out, c[0]); put(out, c[1]); put(out, 1); put(out, c[2]); }
        else { put(out, c[0]); put(out, c[1]); put(out, 0); }
      }
      return;
    }
    case 'done':
      if (message.ok === true && message.e === undefined && message.i !== undefined) {
        put(out, RAN); put(out, message.to); put(out, message.op); put(out, message.i); put(out, message.v);
        return;
      }
      put(out, DONE); put(out, message.to); put(out, message.op); put(out, message.i); put(out, message.ok); put(out, message.v); put(out, message.e);
      return;
    case 'unsel':
      put(out, UNSEL); put(out, message.to); put(out, message.from); put(out, message.op);
      return;
    case 'close':
      put(out, CLOSE); put(out, message.to); put(out, message.from); put(out, message.op); put(out, message.channel);
      return;
    case 'go':
      put(out, GO); put(out, message.to); put(out, message.from); put(out, message.op); put(out, message.url); put(out, message.args);
      return;
    case 'ret':
      put(out, RET); put(out, message.to); put(out, message.op); put(out, message.v); put(out, message.e);
      return;
    case 'cancel':
      put(out, CANCEL); put(out, message.to); put(out, message.home); put(out, message.id); put(out, message.cause); put(out, message.deadline);
      return;
    case 'died':
      put(out, DIED); put(out, message.to); put(out, message.thread); put(out, message.reason);
      return;
    case 'ref':
      put(out, REF); put(out, message.to); put(out, message.id); put(out, message.thread);
      return;
    case 'free':
      put(out, FREE); put(out, message.to); put(out, message.from); put(out, message.id); put(out, message.count);
      return;
    case 'idle':
      put(out, IDLE); put(out, message.to); put(out, message.from); put(out, message.seen);
      return;
    case 'dump':
      put(out, DUMP); put(out, message.to); put(out, message.from); put(out, message.ms); put(out, message.buf);
      return;
    case 'watch':
      put(out, WATCH); put(out, message.to); put(out, message.entry);
      return;
    case 'serve':
      put(out, SERVE); put(out, message.to); put(out, message.from); put(out, message.on);
      return;
  }
}

/** Calls `each` with every message of a batch that `pack` wrote, in order. */
export function unpack(batch: readonly unknown[], each: (message: Message) => void): void {
  const f = batch as any[];
  let at = 0;
  while (at < f.length) {
    switch (f[at] as number) {
      case SEL: {
        const n = f[at + 6] as number;
        const cases: WireCase[] = new Array(n);
        let c = at + 7;
        for (let k = 0; k < n; k++) {
          if (f[c + 2] === 1) {
            cases[k] = [f[c], f[c + 1], f[c + 3]];
            c += 4;
          } else {
            cases[k] = [f[c], f[c + 1]];
            c += 3;
          }
        }
        each({ t: 'sel', to: f[at + 1], from: f[at + 2], op: f[at + 3], slot: f[at + 4], gen: f[at + 5], cases });
        at = c;
        break;
      }
      case RECV1:
        each({ t: 'sel', to: f[at + 1], from: f[at + 2], op: f[at + 3], slot: -1, gen: 0, cases: [[f[at + 4], f[at + 5]]] });
        at += 6;
        break;
      case SEND1:
        each({ t: 'sel', to: f[at + 1], from: f[at + 2], op: f[at + 3], slot: -1, gen: 0, cases: [[f[at + 4], f[at + 5], f[at + 6]]] });
        at += 7;
        break;
      case RAN:
        each({ t: 'done', to: f[at + 1], op: f[at + 2], i: f[at + 3], ok: true, v: f[at + 4], e: undefined });
        at += 5;
        break;
      case DONE:
        each({ t: 'done', to: f[at + 1], op: f[at + 2], i: f[at + 3], ok: f[at + 4], v: f[at + 5], e: f[at + 6] });
        at += 7;
        break;
      case UNSEL:
        each({ t: 'unsel', to: f[at + 1], from: f[at + 2], op: f[at + 3] });
        at += 4;
        break;
      case CLOSE:
        each({ t: 'close', to: f[at + 1], from: f[at + 2], op: f[at + 3], channel: f[at + 4] });
        at += 5;
        break;
      case GO:
        each({ t: 'go', to: f[at + 1], from: f[at + 2], op: f[at + 3], url: f[at + 4], args: f[at + 5] });
        at += 6;
        break;
      case RET:
        each({ t: 'ret', to: f[at + 1], op: f[at + 2], v: f[at + 3], e: f[at + 4] });
        at += 5;
        break;
      case CANCEL:
        each({ t: 'cancel', to: f[at + 1], home: f[at + 2], id: f[at + 3], cause: f[at + 4], deadline: f[at + 5] });
        at += 6;
        break;
      case DIED:
        each({ t: 'died', to: f[at + 1], thread: f[at + 2], reason: f[at + 3] });
        at += 4;
        break;
      case REF:
        each({ t: 'ref', to: f[at + 1], id: f[at + 2], thread: f[at + 3] });
        at += 4;
        break;
      case FREE:
        each({ t: 'free', to: f[at + 1], from: f[at + 2], id: f[at + 3], count: f[at + 4] });
        at += 5;
        break;
      case IDLE:
        each({ t: 'idle', to: f[at + 1], from: f[at + 2], seen: f[at + 3] });
        at += 4;
        break;
      case DUMP:
        each({ t: 'dump', to: f[at + 1], from: f[at + 2], ms: f[at + 3], buf: f[at + 4] });
        at += 5;
        break;
      case WATCH:
        each({ t: 'watch', to: f[at + 1], entry: f[at + 2] });
        at += 3;
        break;
      case SERVE:
        each({ t: 'serve', to: f[at + 1], from: f[at + 2], on: f[at + 3] });
        at += 4;
        break;
      default:
        throw new TypeError(`threads: a batch holds an unknown frame ${String(f[at])} at ${at}`);
    }
  }
}
