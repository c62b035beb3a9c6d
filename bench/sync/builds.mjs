// The sync and semaphore packages as built at an earlier ref, for the
// scripts that set them beside the workspace's (instructions.mjs, steady.mjs).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

/** The packages a sync or semaphore build needs, in the order tsc -b builds them. */
const PACKAGES = ['channel', 'waitgroup', 'sync', 'semaphore'];

/**
 * Compiles channel, waitgroup, sync and semaphore as they were at `ref` into
 * a temporary folder, each importing the others' builds from there; returns
 * the environment that makes the child load them.
 */
export function build(ref) {
  const dir = mkdtempSync(join(os.tmpdir(), 'sync-baseline-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const paths = ['tsconfig.base.json', ...PACKAGES.flatMap((name) => [`packages/${name}/src`, `packages/${name}/tsconfig.json`, `packages/${name}/package.json`])];
  execFileSync('sh', ['-c', `git -C '${root}' archive '${ref}' ${paths.join(' ')} | tar -x -C '${dir}'`]);
  mkdirSync(join(dir, 'node_modules/@gochan'), { recursive: true });
  for (const name of PACKAGES) symlinkSync(join(dir, 'packages', name), join(dir, 'node_modules/@gochan', name));
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-b', ...['sync', 'semaphore'].map((name) => join(dir, 'packages', name))], { stdio: 'inherit' });
  const index = (name) => join(dir, 'packages', name, 'dist/index.js');
  return { SYNC_MODULE: index('sync'), SEMAPHORE_MODULE: index('semaphore'), CHANNEL_MODULE: index('channel') };
}

