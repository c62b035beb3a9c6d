// `pnpm test:browser`: the browser smoke suite (tests/browser) in headless
// Chromium, driven by vitest's browser mode through playwright with the
// system's Chromium: nothing here downloads a browser.
//
// Chromium is found at $CHROMIUM_PATH, else /usr/bin/chromium (Debian's
// `chromium` package, which .ci/run installs). Without it the suite cannot
// run: in CI that fails the run; on a developer's machine it says so loudly
// and exits 0, so `pnpm test:browser` is still usable where no browser is.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const tests = fileURLToPath(new URL('../tests/', import.meta.url));

if (!isExecutable(chromium)) {
  const lines = [
    'THE BROWSER SUITE DID NOT RUN.',
    `No Chromium at ${chromium}.`,
    'Install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH.',
  ];
  const width = Math.max(...lines.map((line) => line.length));
  const rule = '!'.repeat(width + 4);
  console.error(['', rule, ...lines.map((line) => `! ${line.padEnd(width)} !`), rule, ''].join('\n'));
  process.exit(process.env.CI && process.env.CI !== 'false' ? 1 : 0);
}

const { status, error } = spawnSync(
  `${tests}node_modules/.bin/vitest`,
  ['run', '--config', 'vitest.browser.config.ts', ...process.argv.slice(2)],
  { cwd: tests, stdio: 'inherit', env: { ...process.env, CHROMIUM_PATH: chromium } },
);
if (error) throw error;
process.exit(status ?? 1);

/** Whether `path` names a file this process may execute. */
function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
