// What the store suites' runners (bench/sqlite, bench/redis) share: the
// median they report, rates as they print them, a peer's version, and the
// snapshot of the built packages that every child of one run loads.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';

/** median of the values (the mean of the two middle ones for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** version of a package installed for the benchmarks, or '?'. */
export function version(name) {
  try {
    return JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
  } catch {
    return '?';
  }
}

/** fmtRate prints jobs per second: `18.5 k/s`, or `8,593/s` below ten thousand. */
export const fmtRate = (perSecond) => (perSecond >= 1e4 ? `${(perSecond / 1e3).toFixed(1)} k/s` : `${Math.round(perSecond).toLocaleString('en')}/s`);

/**
 * snapshotPackages copies the built `@gochan/*` packages named (package.json
 * and dist) into a temporary node_modules, links the `external` modules
 * (name → a path inside the workspace) beside them, and removes it all when
 * the process exits. Others rebuild packages/ while a session runs: every
 * child of one run loads this one copy.
 */
export function snapshotPackages(prefix, names, external) {
  const snapshot = mkdtempSync(join(os.tmpdir(), prefix));
  for (const name of names) {
    const from = new URL(`../packages/${name}/`, import.meta.url).pathname;
    const to = join(snapshot, 'node_modules', '@gochan', name);
    mkdirSync(to, { recursive: true });
    cpSync(join(from, 'package.json'), join(to, 'package.json'));
    cpSync(join(from, 'dist'), join(to, 'dist'), { recursive: true });
  }
  for (const [name, path] of Object.entries(external)) {
    const link = join(snapshot, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(realpathSync(new URL(`../${path}`, import.meta.url).pathname), link);
  }
  process.on('exit', () => rmSync(snapshot, { recursive: true, force: true }));
  return snapshot;
}
