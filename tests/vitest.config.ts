import { defineConfig } from 'vitest/config';

// The checks that run in Node: the packed tarballs (`pnpm test:pack`) and the
// README examples (`pnpm test:readme`). Both use the built packages, never the
// sources, so the root scripts run `tsc -b` first.
export default defineConfig({
  root: import.meta.dirname,
  test: {
    include: ['packaging/**/*.test.ts', 'readme/**/*.test.ts'],
    // npm, pnpm and tsc in child processes on two shared cores.
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
