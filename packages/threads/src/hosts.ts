import type { Host } from './host.js';
import { nodeHost } from './host-node.js';
import { webHost } from './host-web.js';

/*
 * Which host makes this runtime's threads (host.ts), picked once:
 *  - node:worker_threads wherever it exists: Node; Bun and Deno too, whose
 *    node:worker_threads start a thread with its data, unref it so that an
 *    idle pool keeps no process alive, and report its exit code, where their
 *    Web Workers cannot be unref'd (Deno's keep the process alive until
 *    terminated) and report no exit;
 *  - Web Workers elsewhere (browsers), which need a cross-origin isolated
 *    page for SharedArrayBuffer; without one, the error says which headers.
 */

let chosen: Host | undefined;

/** This runtime's host; throws an error saying why where threads cannot run. */
export function host(): Host {
  return (chosen ??= nodeHost() ?? (oldNode() ? refuse() : webHost()));
}

/** Node before 20.16, which has node:worker_threads but no process.getBuiltinModule to load it without a static import. */
function oldNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: unknown }; getBuiltinModule?: unknown } }).process;
  return typeof proc?.versions?.node === 'string' && typeof proc.getBuiltinModule !== 'function';
}

function refuse(): never {
  throw new Error('threads: Node 20.16 or later is needed (for process.getBuiltinModule)');
}
