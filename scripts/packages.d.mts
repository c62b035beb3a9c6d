// Types of scripts/packages.mjs, for the TypeScript that imports it.

/** A package under packages/, as scripts/packages.mjs reads it. */
export interface WorkspacePackage {
  /** The folder's name: `channel`. */
  name: string;
  /** The folder, absolute, with a trailing slash. */
  dir: string;
  /** The npm name: `@gochan/channel`. */
  packageName: string;
  /** `"gochan": { "nodeOnly": true }` in its package.json: no browser, Bun or Deno run. */
  nodeOnly: boolean;
  /** `"gochan": { "nodeTests": true }` (or nodeOnly): its unit tests run under Node only. */
  nodeTests: boolean;
  /** The sibling packages it depends on, by npm name. */
  dependencies: string[];
}

export const root: string;
export function workspacePackages(): WorkspacePackage[];
export function portablePackages(): WorkspacePackage[];
