import { defineConfig } from 'vitest/config';

// Tests sit beside their sources and run against the sources: `@gochan/*`
// resolves to each package's src/index.ts, so no build is needed to test a
// change (the examples' end-to-end tests run the built programs).
const pkg = (name: string) => new URL(`./packages/${name}/src/index.ts`, import.meta.url).pathname;

export default defineConfig({
  resolve: {
    alias: {
      '@gochan/channel': pkg('channel'),
      '@gochan/waitgroup': pkg('waitgroup'),
      '@gochan/context': pkg('context'),
      '@gochan/pool': pkg('pool'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
    // Two cores shared with noisy neighbours: generous, never a speed claim.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
