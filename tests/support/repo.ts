import { fileURLToPath } from 'node:url';

/** The repository's root directory, with a trailing slash. */
export const root: string = fileURLToPath(new URL('../../', import.meta.url));

/** The four published packages, dependencies before their dependents. */
export const packages = ['channel', 'waitgroup', 'context', 'pool'] as const;

/** One of the published packages, by folder name. */
export type PackageName = (typeof packages)[number];

/** The folder of a published package, with a trailing slash. */
export function packageDir(name: PackageName): string {
  return `${root}packages/${name}/`;
}
