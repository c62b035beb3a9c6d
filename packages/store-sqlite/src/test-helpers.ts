// Shared by this package's tests: temp folders, and the built package for child processes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
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

/** A running child program of these tests, and the lines it has written so far. */
export interface Child {
  readonly process: ChildProcess;
  /** Complete lines written to stdout so far. */
  readonly lines: string[];
  /** Resolves once a line satisfies `test` (rejects if the child exits first, or after `ms`). */
  line(test: (line: string) => boolean, ms?: number): Promise<string>;
  /** Resolves with the exit code (or signal) once the child has exited and its output is read. */
  readonly exited: Promise<number | string>;
  /** What it wrote to stderr so far. */
  stderr(): string;
}

/** startChild runs a child program of this package under Node, collecting its stdout lines. */
export function startChild(program: string, args: readonly string[], options: { uid?: number; gid?: number } = {}): Child {
  const child = spawn(process.execPath, [childProgram(program), ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const listener of [...listeners]) listener();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal ?? -1)));
  let done = false;
  void exited.then(() => {
    done = true;
    for (const listener of [...listeners]) listener();
  });
  const line = (test: (line: string) => boolean, ms = 20_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`no such line from ${program} within ${ms} ms\n${stderr}`)), ms);
      const finish = (error: Error | undefined, found?: string) => {
        clearTimeout(timer);
        listeners.delete(check);
        if (error) reject(error);
        else resolve(found!);
      };
      const check = () => {
        const found = lines.find(test);
        if (found !== undefined) finish(undefined, found);
        else if (done) finish(new Error(`${program} exited without such a line\n${stderr}`));
      };
      listeners.add(check);
      check();
    });
  return { process: child, lines, line, exited, stderr: () => stderr };
}
