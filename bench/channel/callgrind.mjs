// Callgrind helpers of the channel benchmarks (instructions.mjs, timers.mjs):
// a ref's channel sources compiled into a temporary folder, and the
// instructions one child run takes.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

/** Compiles packages/channel/src at `ref` into a temporary folder, with that ref's own package configuration (useDefineForClassFields and all); returns its index module. */
export function build(ref) {
  const dir = mkdtempSync(join(os.tmpdir(), 'channel-baseline-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const files = 'packages/channel/src packages/channel/tsconfig.json tsconfig.base.json';
  execFileSync('sh', ['-c', `git -C '${root}' archive '${ref}' ${files} | tar -x -C '${dir}'`]);
  const src = join(dir, 'packages/channel/src');
  const out = join(dir, 'packages/channel/dist');
  // The ref's package configuration, made to emit JavaScript only.
  writeFileSync(
    join(dir, 'packages/channel/tsconfig.count.json'),
    JSON.stringify({
      extends: './tsconfig.json',
      compilerOptions: { composite: false, declaration: false, declarationMap: false, sourceMap: false, isolatedDeclarations: false, noEmit: false, rootDir: src, outDir: out, lib: ['ES2022', 'ESNext.Disposable', 'DOM'], types: [] },
      include: [join(src, '*.ts')],
      exclude: [join(src, '*.test.ts'), join(src, 'test-*.ts'), join(src, '*.test-d.ts')],
    }),
  );
  writeFileSync(join(dir, 'packages/channel/package.json'), JSON.stringify({ type: 'module' }));
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(dir, 'packages/channel/tsconfig.count.json')], { stdio: 'inherit' });
  return join(out, 'index.js');
}

/**
 * One run of `child` with `args` under callgrind: the instructions it
 * counted and the child's stdout (the child itself checks what it
 * computed). `frozen`: Date.now() returns 0 in the child, so that pace()
 * never ends a slice (see instructions.mjs). `flags`: more of node's and
 * V8's flags, before the child.
 */
export function callgrind(child, args, env = {}, frozen = false, flags = []) {
  const clock = frozen ? ['--import', 'data:text/javascript,Date.now=()=>0'] : [];
  const run = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', ...flags, ...clock, child, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (run.error) throw new Error(`valgrind: ${run.error.message} (Debian: apt-get install valgrind)`);
  if (run.status !== 0) throw new Error(`${args.join(' ')}: exited with ${run.status}\n${run.stderr}`);
  const collected = /Collected : (\d+)/.exec(run.stderr);
  if (collected === null) throw new Error(`no instruction count in valgrind's output:\n${run.stderr}`);
  return { instructions: Number(collected[1]), stdout: run.stdout };
}

/** The instructions of one run of `child` (callgrind()'s count alone). */
export function count(child, args, env = {}, frozen = false, flags = []) {
  return callgrind(child, args, env, frozen, flags).instructions;
}
