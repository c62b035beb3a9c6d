// Test helper (not built): a spawned program whose output lines can be awaited.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';

/**
 * Program runs a built example with extra environment, collects its stdout
 * and stderr lines, and lets a test wait for a line or for the exit.
 */
export class Program {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** The signal that ended the program, once it has ended by one (for a failing test to name). */
  signal: NodeJS.Signals | null = null;
  readonly #child: ChildProcessByStdio<null, Readable, Readable>;
  #watchers: (() => void)[] = [];

  /**
   * @param launcher - A command that runs Node for it, given Node and `main` as its last two arguments (a
   *   shell script that sets up a mount namespace first, say); by default Node runs `main` itself.
   */
  constructor(main: string, env: Record<string, string>, launcher: readonly string[] = []) {
    if (!existsSync(main)) {
      throw new Error(`${main} is missing: build first (\`tsc -b\`, which \`pnpm test\` runs)`);
    }
    const [command, args] = launcher.length === 0 ? [process.execPath, [main]] : [launcher[0]!, [...launcher.slice(1), process.execPath, main]];
    // No pid file unless the test asks for one: many programs run at once from one folder.
    this.#child = spawn(command, args, { env: { ...process.env, PID_FILE: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    collectLines(this.#child.stdout, this.stdout, () => this.#notify());
    collectLines(this.#child.stderr, this.stderr, () => this.#notify());
    this.exited = new Promise((resolve, reject) => {
      this.#child.on('error', reject);
      this.#child.on('close', (code, signal) => {
        this.signal = signal;
        this.#notify();
        resolve(code);
      });
    });
  }

  /** waitFor resolves with the first stdout line matching `pattern`'s match, failing after `ms`. */
  waitFor(pattern: RegExp, ms = 15_000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (const line of this.stdout) {
          const match = pattern.exec(line);
          if (match) {
            resolve(match);
            return true;
          }
        }
        return false;
      };
      if (check()) return;
      const timer = setTimeout(() => {
        this.#watchers = this.#watchers.filter((watcher) => watcher !== watch);
        reject(new Error(`no line matched ${pattern} in ${ms} ms; stdout:\n${this.stdout.join('\n')}\nstderr:\n${this.stderr.join('\n')}`));
      }, ms);
      const watch = (): void => {
        if (check()) {
          clearTimeout(timer);
          this.#watchers = this.#watchers.filter((watcher) => watcher !== watch);
        }
      };
      this.#watchers.push(watch);
    });
  }

  /** started waits for `Server running on :{port}` and resolves with the base URL. */
  async started(): Promise<string> {
    const [, port] = await this.waitFor(/^Server running on :(\d+)$/);
    return `http://127.0.0.1:${port}`;
  }

  /** The process's id (with a launcher that execs Node, Node's). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  kill(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  /** exit waits for the exit, killing the program if it takes longer than `ms`. */
  async exit(ms = 20_000): Promise<number | null> {
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), ms);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  #notify(): void {
    for (const watch of [...this.#watchers]) watch();
  }
}

function collectLines(stream: Readable, into: string[], onLine: () => void): void {
  let partial = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    into.push(...parts);
    onLine();
  });
  stream.on('end', () => {
    if (partial !== '') into.push(partial);
    onLine();
  });
}

/** linesByTask maps each task id to what the workers printed for it, in order: `processing by 2`, `finished by 2`. */
export function linesByTask(lines: readonly string[]): Map<string, string[]> {
  const byTask = new Map<string, string[]>();
  for (const line of lines) {
    const match = /^Worker (\d+) (processing|finished|cancelled) task ID (.*?)(?:: .*)?$/.exec(line);
    if (match) {
      const id = match[3]!;
      byTask.set(id, [...(byTask.get(id) ?? []), `${match[2]} by ${match[1]}`]);
    }
  }
  return byTask;
}
