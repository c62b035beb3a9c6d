// Shared by this package's tests: temp folders, and the built package for child processes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root, with a trailing slash. */
export const root: string = fileURLToPath(new URL('../../../', import.meta.url));

/** A fresh temp folder, and a function that removes it. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'gochan-sqlite-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * buildPackage builds this package and what it depends on (`tsc -b`,
 * incremental: quick when up to date), for the child processes, which run
 * the built code: Node 20 runs no TypeScript.
 */
export function buildPackage(): void {
  const built = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b', `${root}packages/store-sqlite`], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (built.status !== 0) throw new Error(`tsc -b packages/store-sqlite failed\n${built.stdout}\n${built.stderr}`);
}

/** A child program of this package's tests, by file name. */
export function childProgram(name: string): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
