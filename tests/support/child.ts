// Child processes for the stores' crash tests (not built, not published):
// a Node program started with arguments, its stdout lines awaited one by
// one, its exit and its stderr at hand. Both stores' tests use it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { root } from './repo.js';


/**
 * buildPackage builds `packages/<name>` and what it depends on (`tsc -b`,
 * incremental: quick when up to date), for child processes, which run the
 * built code: Node 20 runs no TypeScript.
 */
export function buildPackage(name: string): void {
  const built = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b', `${root}packages/${name}`], { encoding: 'utf8', timeout: 120_000 });
  if (built.status !== 0) throw new Error(`tsc -b packages/${name} failed\n${built.stdout}\n${built.stderr}`);
}

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

/** startChild runs the Node program at `path` (absolute), collecting its stdout lines; `uid`/`gid` run it as another user. */
export function startChild(path: string, args: readonly string[], options: { uid?: number; gid?: number } = {}): Child {
  const program = path.slice(path.lastIndexOf('/') + 1);
  const child = spawn(process.execPath, [path, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
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
