import { spawnSync } from 'node:child_process';

/** What a finished child process said. */
export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * run starts `command` and waits for it, with a time limit so a hung child
 * fails its test instead of hanging the run. It never throws on a non-zero
 * exit: the caller asserts on `status` and shows `stdout`/`stderr`.
 */
export function run(command: string, args: readonly string[], options: { cwd: string; timeout?: number; env?: NodeJS.ProcessEnv }): Ran {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: options.timeout ?? 120_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * pnpm runs the pnpm that runs this test run (`npm_execpath`, set by
 * `pnpm run`), else the pinned one through npx.
 */
export function pnpm(args: readonly string[], cwd: string): Ran {
  const execpath = process.env.npm_execpath;
  if (execpath && /pnpm/.test(execpath)) return run(process.execPath, [execpath, ...args], { cwd });
  return run('npx', ['-y', 'pnpm@10.34.9', ...args], { cwd });
}

/** Ran as text for an assertion message. */
export function transcript(ran: Ran): string {
  return `exit ${ran.status}\n--- stdout\n${ran.stdout}\n--- stderr\n${ran.stderr}`;
}
