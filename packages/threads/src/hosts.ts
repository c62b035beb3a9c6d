import type { Host } from './host.js';
import { nodeHost } from './host-node.js';
import { webHost } from './host-web.js';

/*
 * Which host makes this runtime's threads (host.ts), picked once:
 *  - node:worker_threads wherever it exists: Node, and Bun and Deno too.
 *    Measured on Deno 2.9: a program with one idle Web Worker never ends
 *    (Deno's Web Workers have no unref), so an idle pool would keep the
 *    process alive, and a Web Worker's self.close() is reported to nobody;
 *    its node:worker_threads unrefs a thread and reports its exit code
 *    (unbuffered round trips were alike on both, within a loaded machine's
 *    noise). Bun's Web Workers can be unref'd, but its node:worker_threads
 *    passes the same smoke as Node's (exit codes included), so one host
 *    serves the three runtimes;
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
