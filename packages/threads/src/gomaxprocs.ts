import { MAX_THREADS } from './claim.js';
import { host } from './hosts.js';

/** The most threads a pool can have (shared claim memory is laid out for this many, the main thread included). */
export const MAX_PROCS: number = MAX_THREADS - 1;

/**
 * Go's startup rule for GOMAXPROCS: the environment variable, when it is a
 * positive decimal integer, else the number of CPUs the process may use
 * (runtime/proc.go, schedinit): `os.availableParallelism()` on Node, Bun and
 * Deno, `navigator.hardwareConcurrency` in a browser (which has no
 * environment). Above MAX_PROCS it is held at MAX_PROCS, as Go holds it at
 * its own maximum.
 */
export function defaultProcs(env: string | undefined = host().env('GOMAXPROCS'), cpus: number = host().cpus()): number {
  if (env !== undefined && /^[0-9]+$/.test(env)) {
    const n = Number(env);
    if (n > 0) return Math.min(n, MAX_PROCS);
  }
  return Math.min(Math.max(1, cpus), MAX_PROCS);
}
