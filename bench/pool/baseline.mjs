// The pool as built at a git ref, for side-by-side runs against the pool now
// (observer.mjs, metrics.mjs, and instructions.mjs with POOL_BASELINE_REF):
// its sources from `git archive`, compiled into a temporary folder against
// the workspace's built channel, context and waitgroup. Returns the path of
// its dist/index.js; the folder is removed when the process exits.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

/** buildBaseline compiles packages/pool/src at `ref` and returns its index module's path. */
export function buildBaseline(ref) {
  const baseline = mkdtempSync(join(os.tmpdir(), 'pool-baseline-'));
  process.on('exit', () => rmSync(baseline, { recursive: true, force: true }));
  execFileSync('sh', ['-c', `git -C '${root}' archive '${ref}' packages/pool/src | tar -x -C '${baseline}'`]);
  const src = join(baseline, 'packages/pool/src');
  writeFileSync(
    join(baseline, 'packages/pool/tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.base.json'),
      compilerOptions: { composite: false, declaration: false, declarationMap: false, sourceMap: false, isolatedDeclarations: false, noEmit: false, rootDir: src, outDir: join(baseline, 'packages/pool/dist'), lib: ['ES2022', 'ESNext.Disposable', 'DOM'], types: [] },
      include: [join(src, '*.ts')],
      exclude: [join(src, '*.test.ts'), join(src, 'test-*.ts')],
    }),
  );
  writeFileSync(join(baseline, 'packages/pool/package.json'), JSON.stringify({ type: 'module' }));
  // Its imports of @gochan/* resolve from the workspace pool's own node_modules.
  execFileSync('ln', ['-s', join(root, 'packages/pool/node_modules'), join(baseline, 'packages/pool/node_modules')]);
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(baseline, 'packages/pool/tsconfig.json')], { stdio: 'inherit' });
  return join(baseline, 'packages/pool/dist/index.js');
}

/** The short hash of `ref`. */
export function shortRef(ref) {
  return execFileSync('git', ['-C', root, 'rev-parse', '--short', ref]).toString().trim();
}
