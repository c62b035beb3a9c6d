// Each package as npm would publish it: `pnpm pack` the built package, check
// the tarball with publint and attw, then install every tarball into a
// fresh project outside the workspace (npm) and use them from plain
// JavaScript under Node and from TypeScript (browser and Node setups).
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isNodeOnly, packageDir, packages, root, type PackageName } from '../support/repo.ts';
import { pnpm, run, transcript } from '../support/run.ts';

const work = mkdtempSync(join(tmpdir(), 'gochan-pack-'));
const tarballs = new Map<PackageName, string>();

beforeAll(() => {
  for (const name of packages) {
    if (!existsSync(`${packageDir(name)}dist/index.js`)) {
      throw new Error(`packages/${name} is not built: run \`pnpm build\` first (\`pnpm test:pack\` does)`);
    }
    const packed = pnpm(['pack', '--pack-destination', work, '--json'], packageDir(name));
    if (packed.status !== 0) throw new Error(`pnpm pack failed in packages/${name}\n${transcript(packed)}`);
    tarballs.set(name, (JSON.parse(packed.stdout) as { filename: string }).filename);
  }
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * useWorkspaceBinding gives a native module installed with --ignore-scripts
 * the binding the workspace already compiled for this Node (the same
 * version, checked), instead of compiling it again from source.
 */
function useWorkspaceBinding(project: string, module: string, binding: string): void {
  const installed = join(project, 'node_modules', module);
  const workspace = join(root, 'packages', 'store-sqlite', 'node_modules', module);
  const version = (dir: string) => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  if (version(installed) !== version(workspace)) {
    throw new Error(`${module} ${version(installed)} was installed, but the workspace built ${version(workspace)}: align packages/store-sqlite's range`);
  }
  mkdirSync(dirname(join(installed, binding)), { recursive: true });
  copyFileSync(join(realpathSync(workspace), binding), join(installed, binding));
}

/** The tarball of a package, once beforeAll has packed it. */
function tarball(name: PackageName): string {
  const path = tarballs.get(name);
  if (!path) throw new Error(`@gochan/${name} was not packed`);
  return path;
}

describe.each(packages)('@gochan/%s', (name) => {
  test('its tarball holds the built code, its sources, README and LICENSE, and no tests', () => {
    const listed = run('tar', ['-tzf', tarball(name)], { cwd: work });
    expect(listed.status, transcript(listed)).toBe(0);
    const files = listed.stdout.split('\n').filter(Boolean).map((file) => file.replace(/^package\//, ''));
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'src/index.ts']));
    expect(files.filter((file) => /\.test(-d)?\.|tsbuildinfo|(^|\/)test-/.test(file))).toEqual([]);
  });

  test('its package.json: ESM, no side effects, types first, siblings at real versions (no workspace: range)', () => {
    const extracted = run('tar', ['-xzOf', tarball(name), 'package/package.json'], { cwd: work });
    expect(extracted.status, transcript(extracted)).toBe(0);
    const manifest = JSON.parse(extracted.stdout) as Record<string, unknown>;
    expect(extracted.stdout).not.toContain('workspace:');
    // ESM only, tree-shakable, an explicit file list, and types resolved first.
    expect(manifest).toMatchObject({ type: 'module', license: 'MIT', files: expect.any(Array) });
    // No side effects, but for an entry point that exists to have one (the
    // deadlock watcher's `node --import` entry), named by the exports.
    const exported = Object.values(manifest.exports as Record<string, string | Record<string, string>>).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target)));
    if (manifest.sideEffects !== false) {
      expect(manifest.sideEffects).toEqual(expect.any(Array));
      for (const file of manifest.sideEffects as string[]) expect(exported).toContain(file);
    }
    const entry = (manifest.exports as Record<string, Record<string, string>>)['.'];
    expect(Object.keys(entry ?? {})[0]).toBe('types');
    const dependencies = (manifest.dependencies ?? {}) as Record<string, string>;
    for (const [dependency, range] of Object.entries(dependencies)) {
      // No runtime dependency but a sibling, at the sibling's version; only
      // a Node-only package may bring its own (a native module, say).
      if (!dependency.startsWith('@gochan/') && isNodeOnly(name)) continue;
      expect(dependency).toMatch(/^@gochan\//);
      const sibling = JSON.parse(readFileSync(`${root}packages/${dependency.slice('@gochan/'.length)}/package.json`, 'utf8')) as { version: string };
      expect(range).toBe(`^${sibling.version}`);
    }
  });

  test('publint accepts it, suggestions included', async () => {
    const bytes = new Uint8Array(readFileSync(tarball(name)));
    const { messages, pkg } = await publint({ pack: { tarball: bytes.buffer }, level: 'suggestion', strict: true });
    expect(messages.map((message) => `${message.type}: ${formatMessage(message, pkg) ?? message.code}`)).toEqual([]);
  });

  test('attw finds no problem with its types (ESM only: Node 16+ and bundlers)', () => {
    const attw = run(`${root}tests/node_modules/.bin/attw`, [tarball(name), '--profile', 'esm-only', '--format', 'ascii', '--no-color', '--no-emoji'], { cwd: work });
    expect(attw.status, transcript(attw)).toBe(0);
  });
});

describe('a fresh project that installs every tarball', () => {
  const app = join(work, 'app');

  beforeAll(() => {
    cpSync(new URL('./app/', import.meta.url), app, { recursive: true });
    const dependencies = Object.fromEntries(packages.map((name) => [`@gochan/${name}`, `file:${tarball(name)}`]));
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify(
        {
          name: 'gochan-user',
          private: true,
          type: 'module',
          dependencies,
          // Our packages depend on each other by version; resolve those from
          // the same tarballs, never from the registry.
          overrides: Object.fromEntries(Object.keys(dependencies).map((dependency) => [dependency, `$${dependency}`])),
        },
        null,
        2,
      ),
    );
    // The stores' own dependencies (better-sqlite3, @redis/client) come from npm's cache when it has
    // them, else from the registry; no install script runs.
    const installed = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: app });
    if (installed.status !== 0) throw new Error(`npm install of the tarballs failed\n${transcript(installed)}`);
    useWorkspaceBinding(app, 'better-sqlite3', 'build/Release/better_sqlite3.node');
  }, 300_000);

  test('npm installed copies from the tarballs, one of each package', () => {
    for (const name of packages) {
      const installed = join(app, 'node_modules', '@gochan', name);
      expect(lstatSync(installed).isSymbolicLink(), `@gochan/${name} is a link, not an install`).toBe(false);
      // A nested copy would mean a sibling came from somewhere else.
      expect(existsSync(join(installed, 'node_modules'))).toBe(false);
    }
  });

  test('plain JavaScript imports every package under Node', () => {
    const ran = run(process.execPath, ['main.mjs'], { cwd: app, timeout: 30_000 });
    expect(ran.status, transcript(ran)).toBe(0);
    expect(ran.stdout.split('\n').filter(Boolean)).toEqual([
      'channel ["hello",true]',
      'select 1',
      'waitgroup 3',
      'context true true',
      'pool 42',
      'shutdown false',
      'errgroup first true',
      'sync false',
      'semaphore true false',
      'store-sqlite added duplicate 1 completed',
      'store-redis function',
      'testing 7 true',
      'threads 5',
    ]);
  });

  /** Runs the TypeScript compiler of the workspace on a tsconfig of the fresh project. */
  function typeCheck(tsconfig: string) {
    return run(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', tsconfig], { cwd: app });
  }

  test('TypeScript type-checks against the declarations in a browser project (DOM lib, no @types/node)', () => {
    const tsc = typeCheck('tsconfig.json');
    expect(tsc.status, transcript(tsc)).toBe(0);
  });

  test('TypeScript type-checks against the declarations in a Node project (@types/node, no DOM lib)', () => {
    writeFileSync(
      join(app, 'tsconfig.node.json'),
      JSON.stringify({
        extends: './tsconfig.json',
        compilerOptions: { lib: ['ES2022'], types: ['node'], typeRoots: [`${root}node_modules/@types`] },
        files: ['core.ts', 'pool.ts', 'sync.ts', 'stores.ts'],
      }),
    );
    const tsc = typeCheck('tsconfig.node.json');
    expect(tsc.status, transcript(tsc)).toBe(0);
  });

  test('TypeScript type-checks the pool and sync, (await) using included, given lib ESNext.Disposable', () => {
    const tsc = typeCheck('tsconfig.pool.json');
    expect(tsc.status, transcript(tsc)).toBe(0);
  });
});
