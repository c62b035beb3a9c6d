// The lists that tools cannot derive from packages/* themselves, checked
// against it (scripts/packages.mjs), so a package added or removed without
// them fails `pnpm test:unit` with the line to write:
//  - the root tsconfig.json's references (tsc -b cannot glob): every package
//    and every example (in any order: tsc -b follows the references);
//  - each package's tsconfig.json references: exactly its @gochan deps;
//  - tests/package.json's dependencies: every package, so the cross-package
//    checks resolve each one through node_modules as a user would.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { root, workspacePackages } from './packages.mjs';

const packages = workspacePackages();
const problems = [];

/** A tsconfig's JSON: JSON with comments, and no comment markers in strings. */
const readTsconfig = (path) => JSON.parse(readFileSync(path, 'utf8').replace(/^\s*\/\/.*$/gm, ''));

const examples = readdirSync(`${root}examples`, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(`${root}examples/${entry.name}/tsconfig.json`))
  .map((entry) => `examples/${entry.name}`);
const referenced = readTsconfig(`${root}tsconfig.json`).references.map((reference) => reference.path);
const expectedPackages = packages.map((pkg) => `packages/${pkg.name}`).sort();
const listedPackages = referenced.filter((path) => path.startsWith('packages/')).sort();
if (listedPackages.join() !== expectedPackages.join()) {
  problems.push(`tsconfig.json references packages ${JSON.stringify(listedPackages)}; packages/ holds ${JSON.stringify(expectedPackages)}`);
}
const listedExamples = referenced.filter((path) => path.startsWith('examples/')).sort();
if (listedExamples.join() !== examples.sort().join()) {
  problems.push(`tsconfig.json references examples ${JSON.stringify(listedExamples)}; examples/ holds ${JSON.stringify(examples)}`);
}

for (const pkg of packages) {
  const references = (readTsconfig(`${pkg.dir}tsconfig.json`).references ?? []).map((reference) => reference.path).sort();
  const expected = pkg.dependencies.map((dependency) => `../${dependency.slice('@gochan/'.length)}`).sort();
  if (references.join() !== expected.join()) {
    problems.push(`packages/${pkg.name}/tsconfig.json references ${JSON.stringify(references)}; its package.json depends on ${JSON.stringify(expected)}`);
  }
}

const testsManifest = JSON.parse(readFileSync(`${root}tests/package.json`, 'utf8'));
for (const pkg of packages) {
  if (testsManifest.dependencies?.[pkg.packageName] !== 'workspace:^') {
    problems.push(`tests/package.json: add "${pkg.packageName}": "workspace:^" to dependencies`);
  }
}

if (problems.length) {
  console.error(`check-workspace: lists out of step with packages/*:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-workspace: ${packages.length} packages and ${examples.length} examples, every list in step`);
