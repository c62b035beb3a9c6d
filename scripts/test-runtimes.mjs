// `pnpm test:runtimes`: the built packages under every runtime the READMEs
// name, Node, Bun and Deno, through one framework-free smoke program
// (tests/runtimes/smoke.mjs). Bun and Deno come from the npm registry as
// devDependencies of tests/, so nothing is installed by hand. Fails if any
// runtime fails or cannot be started.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { portablePackages } from './packages.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = (name) => `${root}tests/node_modules/.bin/${name}`;
const smoke = 'tests/runtimes/smoke.mjs';
// Every package that runs anywhere (not marked nodeOnly): the smoke program
// loads each one named, beside the behaviours it checks by hand.
const names = portablePackages().map((pkg) => pkg.name);
const runtimes = [
  ['node', [process.execPath, smoke, ...names]],
  ['bun', [bin('bun'), smoke, ...names]],
  // Local modules need no permission, but a node:worker_threads thread (@gochan/threads) needs
  // read access to its entry: the repository's, no more. --no-prompt makes any other request
  // fail instead of asking.
  ['deno', [bin('deno'), 'run', '--no-prompt', `--allow-read=${root}`, smoke, ...names]],
];

const failed = [];
for (const [name, [command, ...args]] of runtimes) {
  console.log(`\n# ${name}`);
  const { status, error } = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (error || status !== 0) failed.push(`${name}${error ? ` (${error.message})` : ''}`);
}
console.log(failed.length === 0 ? '\nevery runtime passed' : `\nfailed under: ${failed.join(', ')}`);
process.exit(failed.length === 0 ? 0 : 1);
