import { Channel, nil, type ParkReason } from '@gochan/channel';
import { labelOf, madeAtOf } from './labels.js';
import type { ParkedOperation } from './parked.js';

/*
 * The reports, in Go's words. Go prints, for a deadlock:
 *
 *     fatal error: all goroutines are asleep - deadlock!
 *
 *     goroutine 1 [chan receive]:
 *     main.main()
 *             /tmp/x.go:6 +0x2d
 *     exit status 2
 *
 * and the same "goroutine N [reason]:" blocks for a dump (SIGQUIT,
 * runtime.Stack). Here N numbers parked operations in the order they
 * parked (a TypeScript task has no identity of its own), each block says
 * what the operation waits on (a channel by its label, or where it was
 * made), then the stack where it parked when one was captured.
 */

/** Go's first line of a deadlock, word for word. */
export const DEADLOCK = 'fatal error: all goroutines are asleep - deadlock!';

/** The "goroutine N [reason]:" blocks for `ops`, separated by blank lines. */
export function formatParked(ops: readonly ParkedOperation[]): string {
  return ops.map(formatOne).join('\n\n');
}

/** The whole deadlock report: Go's line, then every parked operation. */
export function formatDeadlock(ops: readonly ParkedOperation[]): string {
  const body =
    ops.length > 0
      ? formatParked(ops)
      : 'no gochan operation is parked: the code waits on a promise gochan does not know (a fetch, a setTimeout, a promise never settled)';
  return `${DEADLOCK}\n\n${body}\n`;
}

/** The wait reason as Go prints it: Go says "chan receive" for a range too (the line below says "range over"). */
export function goReason(reason: ParkReason): string {
  return reason === 'chan receive (range)' ? 'chan receive' : reason;
}

function formatOne(op: ParkedOperation): string {
  const lines = [`goroutine ${op.id} [${goReason(op.reason)}]:`, `    ${describeTarget(op)}`];
  if (op.stack) lines.push(op.stack);
  return lines.join('\n');
}

/** What an operation waits on, in words: "receive from chan "jobs" (buffered, 2 of 10)". */
export function describeTarget(op: ParkedOperation): string {
  return targetParts(op, describeChannel).join('');
}

/**
 * A piece of a target's description: words, or a channel to be described
 * by the thread that renders the report (a channel of another thread, which
 * only its home can describe: thread-report.ts).
 */
export type Part<C> = string | C;

/** What an operation waits on, in pieces: the words, and each channel as `channel` makes it. */
export function targetParts<C>(op: ParkedOperation, channel: (ch: Channel<unknown>) => Part<C>): Part<C>[] {
  const on = op.on;
  if (op.reason === 'select (no cases)') return ['select with no case that can ever run (Go\'s select {})'];
  if (Array.isArray(on)) {
    const parts: Part<C>[] = ['select on '];
    let first = true;
    for (const c of on as unknown[]) {
      if (c === null || c === undefined) continue;
      if (!first) parts.push(', ');
      first = false;
      const { op: kind, channel: ch } = c as { op?: unknown; channel?: unknown };
      const verb = kind === 'send' ? 'send on ' : 'receive from ';
      if (ch instanceof Channel) parts.push(verb, channel(ch));
      else parts.push(`${verb}a nil channel (never ready)`);
    }
    return parts;
  }
  if (on instanceof Channel) {
    const verb = op.reason.startsWith('chan send') ? 'send on ' : op.reason === 'chan receive (range)' ? 'range over ' : 'receive from ';
    return [verb, channel(on)];
  }
  if (op.reason === 'sleep') return [`sleep for ${String(on)} ms`];
  if (on !== null && typeof on === 'object') {
    const name = labelOf(on);
    const kind = op.reason === 'sync.WaitGroup.Wait' ? 'WaitGroup' : op.reason === 'sync.Cond.Wait' ? 'Cond' : 'semaphore';
    const count = op.reason === 'sync.WaitGroup.Wait' && typeof (on as { count?: unknown }).count === 'number' ? ` (counter ${(on as { count: number }).count})` : '';
    return [`wait on ${kind}${name ? ` "${name}"` : ''}${count}`];
  }
  return [`wait on ${String(on)}`];
}

/** A channel in words: its label or birthplace, and its buffer. */
export function describeChannel(channel: Channel<unknown>): string {
  if (channel === nil) return 'the nil chan (never ready)';
  const name = labelOf(channel);
  const made = madeAtOf(channel);
  const who = name !== undefined ? `chan "${name}"` : made !== undefined ? `chan made at ${made}` : 'an unlabelled chan';
  const buffer = channel.capacity === 0 ? 'unbuffered' : `buffered, ${channel.length} of ${channel.capacity}`;
  return `${who} (${buffer}${channel.closed ? ', closed' : ''})`;
}
