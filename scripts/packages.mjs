// The one list of the published packages: every folder under packages/ with
// a package.json, read from disk, so that a new package costs a folder and
// nothing else. Tools that can glob use `packages/*` directly (typedoc, the
// build); the rest take this list (vitest's aliases, the browser suite, the
// runtime smoke program, the packaging and README checks), and
// scripts/check-workspace.mjs checks the lists that must be written out
// (the root tsconfig's references, tests/package.json) against it.
//
// A package whose package.json says `"gochan": { "nodeOnly": true }` (one
// with a native dependency, say) is built, documented, packed and installed
// like the others, but left out of the browser suite and of the Bun and Deno
// smoke program. One that says `"gochan": { "nodeTests": true }` runs
// everywhere, but its unit tests run under Node only (@gochan/threads: its
// tests start threads from the sources, which a browser page cannot; its
// browser suite is tests/browser-threads).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository's root directory, with a trailing slash. */
export const root = fileURLToPath(new URL('../', import.meta.url));

/**
 * The packages under packages/, dependencies before their dependents (then
 * by folder name), each as { name, dir, packageName, nodeOnly, nodeTests, dependencies }.
 */
export function workspacePackages() {
  const found = readdirSync(`${root}packages`, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(`${root}packages/${entry.name}/package.json`))
    .map((entry) => {
      const manifest = JSON.parse(readFileSync(`${root}packages/${entry.name}/package.json`, 'utf8'));
      return {
        name: entry.name,
        dir: `${root}packages/${entry.name}/`,
        packageName: manifest.name,
        nodeOnly: manifest.gochan?.nodeOnly === true,
        nodeTests: manifest.gochan?.nodeOnly === true || manifest.gochan?.nodeTests === true,
        dependencies: Object.keys(manifest.dependencies ?? {}).filter((dependency) => dependency.startsWith('@gochan/')),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  // Depth-first, so each package comes after the siblings it depends on.
  const byPackageName = new Map(found.map((pkg) => [pkg.packageName, pkg]));
  const ordered = [];
  const visiting = new Set();
  const visit = (pkg) => {
    if (ordered.includes(pkg)) return;
    if (visiting.has(pkg)) throw new Error(`packages: a dependency cycle through ${pkg.packageName}`);
    visiting.add(pkg);
    for (const dependency of pkg.dependencies) {
      const sibling = byPackageName.get(dependency);
      if (!sibling) throw new Error(`${pkg.packageName} depends on ${dependency}, which is not in packages/`);
      visit(sibling);
    }
    ordered.push(pkg);
  };
  for (const pkg of found) visit(pkg);
  return ordered;
}

/** The packages that run anywhere: every package but the Node-only ones. */
export function portablePackages() {
  return workspacePackages().filter((pkg) => !pkg.nodeOnly);
}
