// Random trees of contexts, random cancels and deadlines, on vitest's fake
// clock, checked step by step against a model of Go's rules:
// - a context is done exactly when it or an ancestor was cancelled or expired
//   (withoutCancel cuts the line; values and foreign wrappers share their
//   parent's state);
// - err() and cause() are those of the first of these events;
// - the timers pending are exactly those of live contexts with their own
//   deadline, and once everything is cancelled nothing is left registered.
import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import {
  background,
  Canceled,
  DeadlineExceeded,
  fromSignal,
  withCancel,
  withCancelCause,
  withoutCancel,
  withTimeout,
  withTimeoutCause,
  withValue,
  type Context,
} from './index.js';
import type { Cancelable } from './cancel-context.js';
import { foreign } from './test-foreign.js';

const kinds = ['cancel', 'cause', 'timeout', 'timeoutCause', 'value', 'without', 'foreign', 'signal'] as const;
type Kind = (typeof kinds)[number];

interface NodeSpec {
  parentPick: number;
  kind: Kind;
  timeoutHalf: number;
  createHalf: number;
  observe: boolean;
}
interface CancelSpec {
  nodePick: number;
  atHalf: number;
  withCause: boolean;
}

const nodeSpec: fc.Arbitrary<NodeSpec> = fc.record({
  parentPick: fc.nat(),
  kind: fc.constantFrom(...kinds),
  timeoutHalf: fc.integer({ min: 0, max: 20 }),
  createHalf: fc.integer({ min: 0, max: 20 }),
  observe: fc.boolean(),
});
const cancelSpec: fc.Arbitrary<CancelSpec> = fc.record({
  nodePick: fc.nat(),
  atHalf: fc.integer({ min: 0, max: 25 }),
  withCause: fc.boolean(),
});

interface ModelNode {
  index: number;
  kind: Kind;
  /** Index of the parent, -1 for background (and for signal roots). */
  parent: number;
  createdAt: number;
  /** The deadline this node reports, if any. */
  deadline: number | undefined;
  /** Its own pending timer's deadline, when it has one. */
  ownTimer: number | undefined;
  expiredCause: unknown;
  state: { err: Error; cause: unknown } | undefined;
  key: symbol;
  // The real thing.
  ctx?: Context;
  cancel?: (cause?: unknown) => void;
  controller?: AbortController;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

test('random trees: done exactly when an ancestor or itself ended; first err and cause win; nothing left', () => {
  fc.assert(
    fc.property(
      fc.array(nodeSpec, { minLength: 1, maxLength: 14 }),
      fc.array(cancelSpec, { maxLength: 10 }),
      (specs, cancelSpecs) => {
        vi.clearAllTimers();
        vi.setSystemTime(0);
        const start = Date.now();
        const nodes: ModelNode[] = specs.map((spec, index) => {
          const parent = spec.kind === 'signal' ? -1 : (spec.parentPick % (index + 1)) - 1;
          return {
            index,
            kind: spec.kind,
            parent,
            createdAt: 0,
            deadline: undefined,
            ownTimer: undefined,
            expiredCause: spec.kind === 'timeoutCause' ? new Error(`tooSlow ${index}`) : DeadlineExceeded,
            state: undefined,
            key: Symbol(`key ${index}`),
          };
        });
        for (const node of nodes) {
          const own = 2 * specs[node.index]!.createHalf;
          node.createdAt = node.parent < 0 ? own : Math.max(own, nodes[node.parent]!.createdAt);
        }
        const created = new Set<ModelNode>();

        // The model.
        const modelCancel = (node: ModelNode, err: Error, cause: unknown): void => {
          const stack = [node];
          for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
            if (n.state !== undefined) continue;
            n.state = { err, cause };
            for (const child of created) {
              if (child.parent === n.index && child.kind !== 'without' && child.kind !== 'signal') stack.push(child);
            }
          }
        };
        const parentState = (node: ModelNode) => (node.parent < 0 ? undefined : nodes[node.parent]!.state);
        const parentDeadline = (node: ModelNode) => (node.parent < 0 ? undefined : nodes[node.parent]!.deadline);
        const fireModelTimers = (until: number): void => {
          for (;;) {
            const due = [...created]
              .filter((n) => n.ownTimer !== undefined && n.state === undefined && n.ownTimer <= until)
              .sort((a, b) => a.ownTimer! - b.ownTimer! || a.index - b.index);
            const first = due[0];
            if (first === undefined) return;
            modelCancel(first, DeadlineExceeded, first.expiredCause);
          }
        };

        // The real thing, created as the model says.
        const create = (node: ModelNode): void => {
          const now = Date.now();
          const parentCtx = node.parent < 0 ? background() : nodes[node.parent]!.ctx!;
          const timeout = 2 * specs[node.index]!.timeoutHalf;
          let expiresNow = false;
          switch (node.kind) {
            case 'cancel':
            case 'cause': {
              const [ctx, cancel] = node.kind === 'cancel' ? withCancel(parentCtx) : withCancelCause(parentCtx);
              Object.assign(node, { ctx, cancel, deadline: parentDeadline(node) });
              break;
            }
            case 'timeout':
            case 'timeoutCause': {
              const [ctx, cancel] =
                node.kind === 'timeout'
                  ? withTimeout(parentCtx, timeout)
                  : withTimeoutCause(parentCtx, timeout, node.expiredCause);
              Object.assign(node, { ctx, cancel });
              const inherited = parentDeadline(node);
              const own = now + timeout;
              if (inherited !== undefined && inherited <= own) {
                node.deadline = inherited; // the parent's timer covers it: a plain withCancel
              } else {
                node.deadline = own;
                if (parentState(node) === undefined) {
                  if (own > now) node.ownTimer = own;
                  else expiresNow = true;
                }
              }
              break;
            }
            case 'value':
              node.ctx = withValue(parentCtx, node.key, node.index);
              node.deadline = parentDeadline(node);
              break;
            case 'without':
              node.ctx = withoutCancel(parentCtx);
              break;
            case 'foreign':
              node.ctx = foreign(parentCtx);
              node.deadline = parentDeadline(node);
              break;
            case 'signal':
              node.controller = new AbortController();
              node.ctx = fromSignal(node.controller.signal);
              break;
          }
          created.add(node);
          // What creation does in the model: inherit a cancelled parent, or expire at once.
          const inherited = node.kind === 'without' || node.kind === 'signal' ? undefined : parentState(node);
          if (inherited !== undefined) node.state = { ...inherited };
          else if (expiresNow) node.state = { err: DeadlineExceeded, cause: node.expiredCause };
          if (specs[node.index]!.observe) {
            node.ctx!.done();
            void node.ctx!.signal;
          }
        };

        // done() and signal are created lazily: look at them during the run
        // only for the nodes drawn as observed, and at the end for all.
        const check = (when: string, all = false): void => {
          for (const node of created) {
            const ctx = node.ctx!;
            const label = `${when}: node ${node.index} (${node.kind} of ${node.parent})`;
            expect(ctx.err(), label).toBe(node.state?.err);
            expect(ctx.cause(), label).toBe(node.state?.cause);
            if (all || specs[node.index]!.observe) {
              expect(ctx.done().closed, label).toBe(node.state !== undefined);
              expect(ctx.signal.aborted, label).toBe(node.state !== undefined);
              if (node.state !== undefined) expect(ctx.signal.reason, label).toBe(node.state.err);
            }
            expect(ctx.deadline()?.getTime(), label).toBe(node.deadline);
          }
          const pending = [...created].filter((n) => n.ownTimer !== undefined && n.state === undefined).length;
          expect(vi.getTimerCount(), `${when}: pending timers`).toBe(pending);
        };

        // One timeline: creations at even times (in index order), cancels at odd times.
        type Action = { at: number; order: number; run: () => void; label: string };
        const actions: Action[] = nodes.map((node) => ({
          at: node.createdAt,
          order: node.index,
          run: () => create(node),
          label: `create ${node.index}`,
        }));
        cancelSpecs.forEach((spec, i) => {
          const node = nodes[spec.nodePick % nodes.length]!;
          const reason = new Error(`cause ${i}`);
          actions.push({
            at: 2 * spec.atHalf + 1,
            order: i,
            label: `cancel ${node.index}`,
            run: () => {
              if (!created.has(node)) return;
              if (node.kind === 'signal') {
                if (node.controller!.signal.aborted) return;
                node.controller!.abort(reason);
                modelCancel(node, Canceled, reason);
              } else if (node.cancel !== undefined) {
                const withCause = node.kind === 'cause' && spec.withCause;
                node.cancel(withCause ? reason : undefined);
                modelCancel(node, Canceled, withCause ? reason : Canceled);
              }
            },
          });
        });
        actions.sort((a, b) => a.at - b.at || a.order - b.order);

        for (const action of actions) {
          const now = Date.now() - start;
          if (action.at > now) {
            vi.advanceTimersByTime(action.at - now);
            fireModelTimers(action.at);
          }
          action.run();
          check(`after ${action.label} at ${action.at}`);
        }
        vi.advanceTimersByTime(100);
        fireModelTimers(Date.now() - start);
        check('after every deadline', true);

        // Values: each node sees the keys of its ancestors (withoutCancel keeps
        // them; a signal root starts afresh).
        for (const node of created) {
          const seen = new Set<number>();
          for (let n: ModelNode | undefined = node; n !== undefined; n = n.parent < 0 ? undefined : nodes[n.parent]) {
            if (n.kind === 'value') seen.add(n.index);
          }
          for (const other of nodes) {
            if (other.kind !== 'value') continue;
            expect(node.ctx!.value(other.key)).toBe(seen.has(other.index) ? other.index : undefined);
          }
        }

        // Go's `defer cancel()` for everything: then nothing may be left.
        for (const node of created) node.cancel?.();
        for (const node of created) node.controller?.abort();
        for (const node of created) {
          const ctx = node.ctx as Partial<Cancelable>;
          if (typeof ctx.childCount === 'number') expect(ctx.childCount, `node ${node.index} children`).toBe(0);
          expect(getEventListeners(node.ctx!.signal, 'abort')).toHaveLength(0);
          if (node.controller) expect(getEventListeners(node.controller.signal, 'abort')).toHaveLength(0);
        }
        expect(vi.getTimerCount()).toBe(0);
      },
    ),
    { numRuns: 300 },
  );
});
