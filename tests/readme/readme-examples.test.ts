// Every README's first ```ts block is its "short example that runs": this
// check type-checks it against the built packages' declarations and runs it
// under Node, as a user who pasted it into a file of their own would. Each
// package README must also have the sections issue 6 asks for.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, test } from 'vitest';
import { packages, root } from '../support/repo.ts';
import { run, transcript } from '../support/run.ts';

// Inside tests/, so `@gochan/*` resolves through tests/node_modules to each
// package's built `exports`, and tests/package.json makes the files ESM.
const work = join(root, 'tests', '.tmp', 'readme');
rmSync(work, { recursive: true, force: true });
afterAll(() => rmSync(work, { recursive: true, force: true }));

const readmes = [
  { title: 'README.md', path: 'README.md' },
  ...packages.map((name) => ({ title: `@gochan/${name}`, path: `packages/${name}/README.md` })),
];

/** The first fenced block in `markdown` tagged ts or typescript, or undefined. */
export function firstTypeScriptBlock(markdown: string): string | undefined {
  return /^```(?:ts|typescript)[^\S\n]*\n([\s\S]*?)^```/m.exec(markdown)?.[1];
}

describe.each(packages)('packages/%s/README.md', (name) => {
  // What issue 6 asks of every package README, beside the example that runs.
  test.each([
    // A heading, then a markdown table before the next heading.
    ['a Go → TypeScript table', /^#+ .*\bGo\b.*TypeScript.*\n(?:(?!#).*\n)*?\|.*\|[^\S\n]*\n\|[\s:|-]+\|/im],
    ['"Differences from Go"', /^#+ .*Differences from Go/im],
    ['the API in brief', /^#+ .*\bAPI\b/m],
  ])('has %s', (_, section) => {
    const path = join(root, 'packages', name, 'README.md');
    expect(existsSync(path), `packages/${name}/README.md is missing`).toBe(true);
    expect(readFileSync(path, 'utf8')).toMatch(section);
  });
});

describe.each(readmes)('$title', ({ path }) => {
  const slug = path.replace(/\W+/g, '-');

  test(`${path}'s first ts block type-checks and runs`, () => {
    expect(existsSync(join(root, path)), `${path} is missing`).toBe(true);
    const example = firstTypeScriptBlock(readFileSync(join(root, path), 'utf8'));
    expect(example, `${path} has no \`\`\`ts block`).toBeDefined();

    const dir = join(work, slug);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'example.ts'), example!);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2022', 'ESNext.Disposable', 'DOM'],
          types: ['node'],
          typeRoots: [join(root, 'node_modules', '@types')],
          strict: true,
          noEmit: true,
        },
        files: ['example.ts'],
      }),
    );
    const tsc = run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: dir });
    expect(tsc.status, `${path}'s example does not type-check\n${transcript(tsc)}`).toBe(0);

    const { outputText } = ts.transpileModule(example!, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    });
    writeFileSync(join(dir, 'example.mjs'), outputText);
    const ran = run(process.execPath, ['example.mjs'], { cwd: dir, timeout: 30_000 });
    expect(ran.status, `${path}'s example failed under Node\n${transcript(ran)}`).toBe(0);
  });
});
