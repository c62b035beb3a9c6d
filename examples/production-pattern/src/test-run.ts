// Test helper (not built): runs the built program to its end.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built program the end-to-end tests run, as `pnpm start` does. */
export const MAIN: string = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string[];
  stderr: string[];
}

/** runMain runs the built program with extra environment and collects its output lines. */
export function runMain(env: Record<string, string>, timeoutMs = 20_000): Promise<Run> {
  if (!existsSync(MAIN)) {
    throw new Error(`${MAIN} is missing: build first (\`tsc -b\`, which \`pnpm test\` runs)`);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running after ${timeoutMs} ms; output so far:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: lines(stdout), stderr: lines(stderr) });
    });
  });
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}
