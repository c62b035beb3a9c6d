import { defineConfig } from 'vitest/config';
import type { Reporter } from 'vitest/reporters';
import { workspacePackages } from './scripts/packages.mjs';

/** Ends the run with the plain line 'N passed, N failed' that CI reads, after vitest's own report. */
const summary: Reporter = {
  onTestRunEnd(modules, unhandledErrors) {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const module of modules) {
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    }
    console.log(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  },
};

// Tests sit beside their sources and run against the sources: `@gochan/*`
// resolves to each package's src/index.ts (every folder under packages/), so
// no build is needed to test a change (the examples' end-to-end tests run
// the built programs).
const aliases = workspacePackages().map((pkg) => ({ find: new RegExp(`^${pkg.packageName}$`), replacement: `${pkg.dir}src/index.ts` }));

export default defineConfig({
  resolve: {
    alias: [
      ...aliases,
      // The pool version of the HTTP example reuses the first version's modules.
      {
        find: /^@gochan\/example-http-server\/(.*)$/,
        replacement: new URL('./examples/http-server/src/$1.ts', import.meta.url).pathname,
      },
    ],
  },
  test: {
    reporters: ['default', summary],
    include: ['packages/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
    // Two cores shared with noisy neighbours: generous, never a speed claim.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
