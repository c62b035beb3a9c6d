import { threadRuntime, type Channel, type ThreadAnswer } from '@gochan/channel';
import type { ParkedOperation } from './parked.js';
import { describeChannel, goReason, targetParts, type Part } from './report.js';

/*
 * Reports across threads. Each thread describes its own parked operations
 * (a `ThreadReport`, plain data that crosses as JSON: dumps in
 * @gochan/threads), and the thread that prints puts them together. A
 * channel has one true description, at its home (its label is given there,
 * its buffer kept there: a proxy elsewhere sees neither), so an operation on
 * another thread's channel names it by home and id, and the printer takes
 * the home's description. A channel that has crossed threads is shown with
 * its name across them, `[thread 0, chan 3]`: the thread it lives on and
 * its id there, the same in every thread's blocks. One that never crossed
 * is described as in a program without threads.
 */

/** A channel of another thread, as a report names it. */
export interface ChanRef {
  home: number;
  id: number;
  capacity: number;
}

/** One parked operation, as data. */
export interface ReportedOperation {
  id: number;
  reason: string;
  target: Part<ChanRef>[];
  stack?: string | undefined;
}

/** One thread's parked operations, and the descriptions of its channels that crossed. */
export interface ThreadReport {
  thread: number;
  parked: ReportedOperation[];
  channels: [id: number, description: string][];
  /** Channels that crossed and are not described (past CHANNELS). */
  more: number;
}

/** The most crossed channels a report describes. */
const CHANNELS = 1000;

/** This thread's report of `ops`. */
export function localReport(ops: readonly ParkedOperation[]): ThreadReport {
  const runtime = threadRuntime();
  const thread = runtime?.thread ?? 0;
  const part = (channel: Channel<unknown>): Part<ChanRef> => {
    const where = runtime?.identify(channel);
    if (where === undefined) return describeChannel(channel);
    if (where[0] === thread) return `${describeChannel(channel)} ${crossName(where[0], where[1])}`;
    return { home: where[0], id: where[1], capacity: channel.capacity };
  };
  const parked = ops.map((op): ReportedOperation => ({ id: op.id, reason: goReason(op.reason), target: targetParts(op, part), stack: op.stack }));
  const channels: [number, string][] = [];
  let more = 0;
  if (runtime !== null) {
    for (const [id, channel] of runtime.homed()) {
      if (channels.length < CHANNELS) channels.push([id, describeChannel(channel as Channel<unknown>)]);
      else more++;
    }
  }
  return { thread, parked, channels, more };
}

/** The name a crossed channel has in every thread's blocks. */
function crossName(home: number, id: number): string {
  return `[thread ${home}, chan ${id}]`;
}

function isReport(value: unknown): value is ThreadReport {
  return value !== null && typeof value === 'object' && Array.isArray((value as ThreadReport).parked) && Array.isArray((value as ThreadReport).channels);
}

/** Every report's parked operations, main thread first, then by thread; and a line for each thread that gave none. */
export function formatThreads(own: ThreadReport, answers: readonly ThreadAnswer[]): string {
  const reports = new Map<number, ThreadReport>([[own.thread, own]]);
  const byThread = new Map<number, ThreadAnswer>();
  for (const answer of answers) {
    byThread.set(answer.thread, answer);
    if (isReport(answer.report)) reports.set(answer.thread, answer.report);
  }
  const descriptions = new Map<number, Map<number, string>>();
  for (const [thread, report] of reports) descriptions.set(thread, new Map(report.channels));
  const threads = [...new Set([own.thread, ...byThread.keys()])].sort((a, b) => a - b);
  const blocks: string[] = [];
  for (const thread of threads) {
    const report = reports.get(thread);
    const answer = byThread.get(thread);
    if (report === undefined) {
      blocks.push(`thread ${thread}: ${answer?.missing ?? 'no report'}`);
      continue;
    }
    for (const op of report.parked) blocks.push(formatBlock(thread, op, descriptions));
    if (answer !== undefined && report.parked.length === 0 && answer.goroutines > 0) {
      const n = answer.goroutines;
      blocks.push(`thread ${thread}: ${n} goroutine${n === 1 ? '' : 's'} placed here, none parked on a gochan operation (awaiting a promise gochan does not know)`);
    }
  }
  return blocks.join('\n\n');
}

/** How many operations the reports hold, parked on every thread. */
export function parkedEverywhere(own: ThreadReport, answers: readonly ThreadAnswer[]): number {
  let n = own.parked.length;
  for (const answer of answers) if (isReport(answer.report)) n += answer.report.parked.length;
  return n;
}

function formatBlock(thread: number, op: ReportedOperation, descriptions: Map<number, Map<number, string>>): string {
  const head = thread === 0 ? `goroutine ${op.id} [${op.reason}]:` : `goroutine ${op.id} on thread ${thread} [${op.reason}]:`;
  const target = op.target.map((part) => (typeof part === 'string' ? part : describeRef(part, descriptions))).join('');
  const lines = [head, `    ${target}`];
  if (op.stack) lines.push(op.stack);
  return lines.join('\n');
}

function describeRef(ref: ChanRef, descriptions: Map<number, Map<number, string>>): string {
  const text = descriptions.get(ref.home)?.get(ref.id) ?? `a chan of thread ${ref.home} (${ref.capacity === 0 ? 'unbuffered' : `buffered, capacity ${ref.capacity}`})`;
  return `${text} ${crossName(ref.home, ref.id)}`;
}
