import { root as repoRoot, workspacePackages } from '../../scripts/packages.mjs';

/** The repository's root directory, with a trailing slash. */
export const root: string = repoRoot;

/** The published packages, by folder name (every folder under packages/), dependencies before their dependents. */
export const packages: readonly string[] = workspacePackages().map((pkg) => pkg.name);

/** The packages that run anywhere (not `"gochan": { "nodeOnly": true }`): the browser and Bun/Deno suites cover these. */
export const portablePackages: readonly string[] = workspacePackages()
  .filter((pkg) => !pkg.nodeOnly)
  .map((pkg) => pkg.name);

/** Whether a package says `"gochan": { "nodeOnly": true }`: it may have runtime dependencies of its own (a native module, say). */
export function isNodeOnly(name: PackageName): boolean {
  return !portablePackages.includes(name);
}

/** One of the published packages, by folder name. */
export type PackageName = string;

/** The folder of a published package, with a trailing slash. */
export function packageDir(name: PackageName): string {
  return `${root}packages/${name}/`;
}
