// TypeScript against @gochan/sync's published declarations: this file only
// has to type-check. lock() resolves to a `Disposable`, so a project needs
// the types of `Symbol.dispose`: lib ESNext.Disposable, or @types/node.
import { Mutex, Once, RWMutex, WaitGroup, onceValue } from '@gochan/sync';

const mu = new Mutex();
{
  using _ = await mu.lock(AbortSignal.timeout(1_000));
}
const rw = new RWMutex();
{
  using _ = await rw.rLock();
}
const ok: boolean = rw.tryLock();
void ok;
await new Once().do(async () => undefined);
const answer: number = onceValue(() => 42)();
void answer;
const wg = new WaitGroup();
wg.go(() => undefined);
await wg.wait();
