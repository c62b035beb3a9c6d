// `pnpm bench [channel|pool|sqlite|redis|http|sync ...]`: runs each suite's own runner
// in turn (all six when none is named). Each suite writes its section of RESULTS.md.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const suites = process.argv.slice(2).length ? process.argv.slice(2) : ['channel', 'pool', 'sqlite', 'redis', 'http', 'sync'];
let failed = false;
for (const suite of suites) {
  const runner = new URL(`./${suite}/run.mjs`, import.meta.url);
  if (!existsSync(runner)) {
    console.error(`bench: no suite named ${suite}`);
    failed = true;
    continue;
  }
  console.log(`\n# ${suite}`);
  const { status } = spawnSync(process.execPath, [runner.pathname], { stdio: 'inherit' });
  if (status !== 0) failed = true;
  // The pool's section ends with what its observer costs: a runner of its own, after the pool's.
  if (suite === 'pool') {
    const observer = spawnSync(process.execPath, [new URL('./pool/observer.mjs', import.meta.url).pathname], { stdio: 'inherit' });
    if (observer.status !== 0) failed = true;
  }
}
process.exit(failed ? 1 : 0);
