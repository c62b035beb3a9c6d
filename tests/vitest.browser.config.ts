import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

// The browser smoke suite: `pnpm test:browser` (scripts/test-browser.mjs finds
// Chromium and runs this). The tests import `@gochan/*` as a user would, so
// they run the built packages (each package's `exports` → dist/index.js),
// served by vite as plain ESM.
const chromiumFlags = [
  // As root in a container: no sandbox, no GPU, and nothing that phones home.
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  root: import.meta.dirname,
  test: {
    include: ['browser/**/*.test.ts'],
    // Two cores shared with others: generous, never a speed claim.
    testTimeout: 30_000,
    browser: {
      enabled: true,
      // playwright passes --headless itself and starts each run with a fresh,
      // temporary --user-data-dir.
      headless: true,
      provider: playwright({
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: chromiumFlags,
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
