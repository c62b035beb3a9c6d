// `node bench/channel/profile.mjs <workload> [lib] [top]`: runs one workload
// of one library (gochan by default) in a fresh `node --cpu-prof` child, the
// same child the benchmark runs, and prints where the time went: the
// functions with the most self time, then the same time grouped by file.
// The .cpuprofile is kept (its path is printed) for a closer look in Chrome
// DevTools or speedscope.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [, , workload, lib = 'gochan', topText = '25'] = process.argv;
if (!workload) {
  console.error('usage: node bench/channel/profile.mjs <recv|for-await|ping-pong|fan-in|many-to-many> [lib] [top]');
  process.exit(2);
}
const top = Number(topText);

const dir = mkdtempSync(join(tmpdir(), 'gochan-prof-'));
const child = fileURLToPath(new URL('./child.mjs', import.meta.url));
// A fine sampling interval: the runs last a few hundred ms.
const { status, stdout, stderr } = spawnSync(
  process.execPath,
  ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100', child, lib, workload],
  { encoding: 'utf8' },
);
if (status !== 0) {
  console.error(stderr);
  process.exit(1);
}
console.log(stdout.trim());
const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.cpuprofile')));
const profile = JSON.parse(readFileSync(file, 'utf8'));

// Self time per node: each sample is charged to the node it landed in, for
// the time until the next sample (timeDeltas[i + 1]).
const selfUs = new Map();
const { samples, timeDeltas } = profile;
for (let i = 0; i < samples.length; i++) {
  const dt = timeDeltas[i + 1] ?? 0;
  selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + dt);
}

const short = (url) => {
  if (!url) return '';
  const m = /\/(packages\/[^/]+\/dist\/[^/]+|bench\/channel\/[^?]+|node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?[^/]+(?:\/[^/]+)*)$/.exec(url);
  return m ? m[1].replace(/^node_modules\/\.pnpm\/[^/]+\/node_modules\//, '') : url.replace(/^node:/, 'node:');
};

const byFunction = new Map();
const byFile = new Map();
let total = 0;
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (!us) continue;
  total += us;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = short(url);
  const key = `${functionName || '(anonymous)'}  ${where}${where ? `:${lineNumber + 1}` : ''}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  const fileKey = where || functionName; // (garbage collector), (program), (idle)
  byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + us);
}

const table = (map, n) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');

console.log(`\n${lib} ${workload}: ${(total / 1000).toFixed(0)} ms sampled; top ${top} by self time\n`);
console.log(table(byFunction, top));
console.log('\nby file\n');
console.log(table(byFile, 15));
console.log(`\nprofile: ${file}`);
