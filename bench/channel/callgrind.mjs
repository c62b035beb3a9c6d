// Callgrind helpers of the channel benchmarks (instructions.mjs, timers.mjs):
// a ref's channel sources compiled into a temporary folder, and the
// instructions one child run takes.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

/**
 * Compiles packages/channel/src at `ref` (null: the working tree, as it is)
 * into a temporary folder, with that ref's own package configuration
 * (useDefineForClassFields and all); returns its index module.
 *
 * Every build, the working tree's too, lands at a path of the same shape and
 * length (a mkdtemp folder): how long a module's path is, and whether it is
 * reached through a symlink, changes what Node's loader costs (its URL and
 * path functions run per character and per module, and get optimized by
 * TurboFan once they are hot: measured, the same files cost 24 M more
 * instructions to import from packages/channel/dist than from such a
 * folder), which is no part of the channel.
 */
export function build(ref) {
  const dir = mkdtempSync(join(os.tmpdir(), 'channel-baseline-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const files = 'packages/channel/src packages/channel/tsconfig.json tsconfig.base.json';
  const source = ref === null ? `tar -c -C '${root}' ${files}` : `git -C '${root}' archive '${ref}' ${files}`;
  execFileSync('sh', ['-c', `${source} | tar -x -C '${dir}'`]);
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
 * never ends a slice (see instructions.mjs).
 *
 * `seed` (a positive integer) makes the run repeatable: V8's hash seed and
 * Math.random's seed are set to it, and address-space randomization is off
 * (`setarch -R`, where there is one). Without it, two counts of one build
 * differ by up to 1-2% (hash tables and addresses differ from run to run);
 * with it, by about 0.05%. A count with one seed is still one sample: another
 * seed gives another count of the same code (by as much as 1-2%), so
 * comparisons take several seeds (instructions.mjs). `flags`: more of node's
 * and V8's flags, before the child (bench/pool/instructions.mjs fixes the
 * collector's schedule with them).
 */
export function callgrind(child, args, env = {}, frozen = false, seed = undefined, flags = []) {
  const clock = frozen ? ['--import', 'data:text/javascript,Date.now=()=>0'] : [];
  if (seed !== undefined && !(Number.isSafeInteger(seed) && seed > 0)) throw new RangeError(`seed: expected a positive integer, got ${seed}`);
  const seeded = seed === undefined ? [] : [`--hash-seed=${seed}`, `--random-seed=${seed}`];
  const valgrind = ['valgrind', '--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', ...seeded, ...flags, ...clock, child, ...args];
  const [command, ...rest] = seed !== undefined && hasSetarch() ? ['setarch', '-R', ...valgrind] : valgrind;
  const run = spawnSync(command, rest, {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (run.error) throw new Error(`${command}: ${run.error.message} (Debian: apt-get install valgrind)`);
  if (run.status !== 0) throw new Error(`${args.join(' ')}: exited with ${run.status}\n${run.stderr}`);
  const collected = /Collected : (\d+)/.exec(run.stderr);
  if (collected === null) throw new Error(`no instruction count in valgrind's output:\n${run.stderr}`);
  return { instructions: Number(collected[1]), stdout: run.stdout };
}

let setarch;
/** Whether `setarch -R` runs here (util-linux; a container may forbid personality changes). */
function hasSetarch() {
  setarch ??= spawnSync('setarch', ['-R', 'true']).status === 0;
  return setarch;
}

/** The instructions of one run of `child` (callgrind()'s count alone). */
export function count(child, args, env = {}, frozen = false, seed = undefined, flags = []) {
  return callgrind(child, args, env, frozen, seed, flags).instructions;
}
