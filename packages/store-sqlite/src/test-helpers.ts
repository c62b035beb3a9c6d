// Shared by this package's tests: temp folders, and the built package for child processes.
import { buildPackage as build, startChild as startProgram, type Child } from '../../../tests/support/child.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDriver, openConnection, type Connection } from './driver.js';

/** The repository's root, with a trailing slash. */
export const root: string = fileURLToPath(new URL('../../../', import.meta.url));

/** A fresh temp folder, and a function that removes it. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'gochan-sqlite-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** buildPackage builds this package and its dependencies, for the child processes. */
export function buildPackage(): void {
  build('store-sqlite');
}

/** A child program of this package's tests, by file name. */
export function childProgram(name: string): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export type { Child } from '../../../tests/support/child.js';

/** startChild runs a child program of this package's tests (by file name) under Node. */
export function startChild(program: string, args: readonly string[], options: { uid?: number; gid?: number } = {}): Child {
  return startProgram(childProgram(program), args, options);
}

/**
 * Database opens a SQLite file as the tests look at or damage a store's file:
 * `new Database(path, { readonly })`, better-sqlite3's call, on the binding
 * the stores of this run use (GOCHAN_SQLITE_DRIVER, else this Node's default).
 */
export const Database = function (path: string, options: { readonly?: boolean } = {}): Connection {
  return openConnection(path, { timeout: 5_000, readonly: options.readonly }, defaultDriver());
} as unknown as new (path: string, options?: { readonly?: boolean }) => Connection;
