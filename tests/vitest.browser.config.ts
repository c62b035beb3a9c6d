import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { portablePackages } from '../scripts/packages.mjs';
import { chromiumFlags, chromiumPath } from './support/chromium.ts';

// The browser suites, run by `pnpm test:browser` (scripts/test-browser.mjs
// finds Chromium first):
// - smoke: tests/browser, which import `@gochan/*` as a user would, so they
//   run the built packages (each package's `exports` → dist/index.js), served
//   by vite as plain ESM;
// - unit: the unit tests of every package that promises to run in browsers
//   (every folder under packages/ but those marked `"gochan": { "nodeOnly":
//   true }` or `"nodeTests": true`), against their sources, as `pnpm test`
//   runs them in Node. A test file that imports a `node:` module tests
//   Node-specific behaviour and stays in Node;
// - threads: @gochan/threads in Chromium (tests/browser-threads). Its tests
//   run in Node and drive Chromium through playwright themselves, because a
//   thread pool needs a cross-origin isolated page, and the test's own server
//   serves one with COOP/COEP (and one without, for the error).
const repo = fileURLToPath(new URL('../', import.meta.url));
const browserPackages = portablePackages().map((pkg) => pkg.name);

/** Each project gets its own copy: vitest names the instances in place. */
const browser = () => ({
  enabled: true,
  // playwright passes --headless itself and starts each run with a fresh,
  // temporary --user-data-dir.
  headless: true,
  provider: playwright({
    launchOptions: {
      executablePath: chromiumPath,
      args: [...chromiumFlags],
    },
  }),
  instances: [{ browser: 'chromium' as const }],
});

const unitTests = portablePackages()
  .filter((pkg) => !pkg.nodeTests)
  .map((pkg) => pkg.name)
  .flatMap((name) =>
    readdirSync(`${repo}packages/${name}/src`, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.test.ts'))
      .map((file) => `packages/${name}/src/${file}`),
  )
  .filter((file) => !/from ['"]node:/.test(readFileSync(`${repo}${file}`, 'utf8')))
  // A pool test with a module handler runs its handlers on @gochan/threads (Node modules in them, and a page would
  // need COOP/COEP): the threads project below is where threads are tested in Chromium.
  .filter((file) => !/test-handlers\/|@gochan\/threads/.test(readFileSync(`${repo}${file}`, 'utf8')));

const smoke: TestProjectInlineConfiguration = {
  test: { name: 'smoke', root: import.meta.dirname, include: ['browser/**/*.test.ts'], browser: browser() },
};

const unit: TestProjectInlineConfiguration = {
  resolve: {
    alias: Object.fromEntries(browserPackages.map((name) => [`@gochan/${name}`, `${repo}packages/${name}/src/index.ts`])),
  },
  test: { name: 'unit', root: repo, include: unitTests, browser: browser() },
};

const threads: TestProjectInlineConfiguration = {
  // Chromium and a server per test, on two shared cores: generous, never a speed claim.
  test: { name: 'threads', root: import.meta.dirname, include: ['browser-threads/**/*.test.ts'], environment: 'node', testTimeout: 60_000, hookTimeout: 60_000 },
};

export default defineConfig({
  test: {
    // Two cores shared with others: generous, never a speed claim.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: unitTests.length ? [smoke, unit, threads] : [smoke, threads],
  },
});
