import { threadWatcher, type ThreadAnswer } from '@gochan/channel';
import type { Message } from './protocol.js';
import type { Traffic, WorkerLiveness } from './liveness.js';
import type { Runtime } from './runtime.js';

/*
 * Dumps across threads: Go's `runtime.Stack(buf, true)` stops the world and
 * walks every goroutine; here the thread that asks sends every other thread
 * a `dump` with a SharedArrayBuffer, and blocks (Atomics.wait) until each
 * has written its watcher's report there, or until the time given is up. A
 * thread that computes, is blocked, or is ending does not answer in time,
 * and is named as such: a dump never hangs on it. Nothing runs on an idle
 * thread until a dump is asked for (no polling).
 *
 * A worker that asks goes through the main thread (threads talk in a star):
 * the main thread answers with its own report and those of the others,
 * asked in turn. Two threads asking at once each see the other as not
 * answering (each is blocked in its own wait), and neither hangs.
 *
 * A worker's answer to the main thread also carries its liveness counts
 * (liveness.ts), from which the main thread tells, for the deadlock
 * watcher, whether anything can still run there: the worker's loop had
 * emptied after reading every batch sent before this request and nothing
 * since, and every batch it posted has been read here.
 */

/** Bytes of an answer: an Int32 state (0 waiting, 1 written), an Int32 length, then UTF-8 JSON. */
const HEADER = 8;
/** The room for one answer; a report that does not fit is replaced by a note that says so. */
export const ANSWER_BYTES: number = 1 << 20;
/** How much longer a worker waits for the main thread than the main thread waits for the others. */
const RELAY_MARGIN_MS = 500;

/** A worker's answer to the main thread. */
export interface WorkerAnswer {
  thread: number;
  idleAt: number;
  received: number;
  sent: number;
  report?: unknown;
  missing?: string | undefined;
}

/** One worker as the main thread sees it (the scheduler's threads). */
export interface WorkerView {
  readonly id: number;
  readonly traffic: Traffic;
  readonly goroutines: number;
  /**
   * It answered that it is idle: it read this request and nothing else,
   * and its loop empties again once it has answered. Counted as idle at
   * once, so that asking keeps no thread, and no program, alive.
   */
  stillIdle(seen: number): void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class Dumps {
  /** The main thread's live workers (set by the scheduler). */
  workers: () => Iterable<WorkerView> = () => [];
  /** A worker's liveness counts (set by thread.ts). */
  counts: WorkerLiveness | null = null;

  constructor(private readonly runtime: Runtime) {}

  /** Every other live thread's report, waiting at most about `ms` in all. */
  gather(ms: number, except = -1): ThreadAnswer[] {
    return this.runtime.id === 0 ? this.gatherHere(ms, except) : this.gatherThroughMain(ms);
  }

  /** A `dump` arrived: write this thread's answer (on the main thread, with the others' for a worker that asks). */
  answer(message: Extract<Message, { t: 'dump' }>): void {
    const { report, missing } = ownReport();
    if (this.runtime.id !== 0) {
      const counts = this.counts;
      writeAnswer(message.buf, { thread: this.runtime.id, idleAt: counts?.idleAt ?? -1, received: counts?.received ?? 0, sent: counts?.sent ?? 0, report, missing } satisfies WorkerAnswer);
      return;
    }
    const here: ThreadAnswer = { thread: 0, report, missing, quiet: false, goroutines: -1 };
    writeAnswer(message.buf, { answers: [here, ...this.gatherHere(message.ms, message.from)] });
  }

  private gatherHere(ms: number, except: number): ThreadAnswer[] {
    const runtime = this.runtime;
    runtime.flush(); // what was waiting leaves first, so that the request travels alone
    const asked: { worker: WorkerView; buf: SharedArrayBuffer; before: number }[] = [];
    for (const worker of this.workers()) {
      if (worker.id === except) continue;
      const buf = new SharedArrayBuffer(ANSWER_BYTES);
      asked.push({ worker, buf, before: worker.traffic.sent });
      runtime.post({ t: 'dump', to: worker.id, from: 0, ms, buf });
    }
    if (asked.length === 0) return [];
    runtime.flush();
    const deadline = performance.now() + ms;
    return asked.map(({ worker, buf, before }): ThreadAnswer => {
      const answer = readAnswer(buf, deadline) as WorkerAnswer | undefined;
      if (answer === undefined) return { thread: worker.id, report: undefined, missing: `did not answer within ${ms} ms (it computes, is blocked, or is ending)`, quiet: false, goroutines: worker.goroutines };
      const quiet = isQuiet(answer, before, worker.traffic.received);
      if (quiet) worker.stillIdle(before + 1);
      return { thread: worker.id, report: answer.report, missing: answer.missing, quiet, goroutines: worker.goroutines };
    });
  }

  private gatherThroughMain(ms: number): ThreadAnswer[] {
    const runtime = this.runtime;
    const buf = new SharedArrayBuffer(ANSWER_BYTES);
    runtime.post({ t: 'dump', to: 0, from: runtime.id, ms, buf });
    runtime.flush();
    const answer = readAnswer(buf, performance.now() + ms + RELAY_MARGIN_MS) as { answers: ThreadAnswer[] } | undefined;
    if (answer === undefined) return [{ thread: 0, report: undefined, missing: `the main thread did not answer within ${ms + RELAY_MARGIN_MS} ms (it computes, or is blocked)`, quiet: false, goroutines: -1 }];
    return answer.answers.map((a) => ({ thread: a.thread, report: a.report, missing: a.missing, quiet: false, goroutines: a.goroutines }));
  }
}

/**
 * checkdead's "no M is running", for one worker: its loop emptied after it
 * had read every batch sent to it before this request (`before`) and none
 * since but the request, and every batch it posted has been read here.
 */
export function isQuiet(answer: Pick<WorkerAnswer, 'idleAt' | 'received' | 'sent'>, before: number, receivedHere: number): boolean {
  return answer.idleAt === before && answer.received === before + 1 && answer.sent === receivedHere;
}

/** This thread's watcher's report, or why there is none. */
function ownReport(): { report: unknown; missing: string | undefined } {
  const watcher = threadWatcher();
  if (watcher === null) return { report: undefined, missing: 'no deadlock watcher runs on it (it started before the watcher did, and has not loaded it yet)' };
  try {
    return { report: watcher.report(), missing: undefined };
  } catch (error) {
    return { report: undefined, missing: `its report failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** @internal Writes `value` as JSON into `buf` and wakes the thread that waits on it. */
export function writeAnswer(buf: SharedArrayBuffer, value: WorkerAnswer | { answers: ThreadAnswer[] }): void {
  let bytes = encoder.encode(JSON.stringify(value));
  if (bytes.length > ANSWER_BYTES - HEADER) {
    const note = `its report is larger than ${ANSWER_BYTES - HEADER} bytes`;
    const smaller = 'answers' in value ? { answers: value.answers.map((a) => ({ ...a, report: undefined, missing: note })) } : { ...value, report: undefined, missing: note };
    bytes = encoder.encode(JSON.stringify(smaller));
  }
  const state = new Int32Array(buf, 0, 2);
  new Uint8Array(buf, HEADER, bytes.length).set(bytes);
  Atomics.store(state, 1, bytes.length);
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
}

/** @internal Waits until `buf` is written or `deadline` (performance.now()) passes; the answer, or undefined. */
export function readAnswer(buf: SharedArrayBuffer, deadline: number): unknown {
  const state = new Int32Array(buf, 0, 2);
  while (Atomics.load(state, 0) === 0) {
    const left = deadline - performance.now();
    if (left <= 0) return undefined;
    Atomics.wait(state, 0, 0, left);
  }
  // A copy: TextDecoder reads no shared memory.
  return JSON.parse(decoder.decode(new Uint8Array(buf, HEADER, Atomics.load(state, 1)).slice()));
}
