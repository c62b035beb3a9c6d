// Where the RSS that grows over many messages goes (issue 19's memory row):
// `node --expose-gc bench/threads/memory-spaces.mjs <values>` moves <values>
// no-op values through two goroutines on 2 threads (1,024 in flight, as the
// memory workload of child.mjs does), then prints, for the main thread and
// each thread, the live heap after a collection and the space V8 keeps for
// it. Run it with and without `--max-semi-space-size=1`: the growth is the
// young generation's semi-spaces, which V8 enlarges (up to
// --max-semi-space-size) while the allocation rate is high, not values kept.
import { Channel } from '@gochan/channel';
import { GOMAXPROCS, close, go } from '@gochan/threads';
import { heapSizes } from './echo-heap.mjs';
import { pass } from './pass.mjs';

const values = Number(process.argv[2] ?? 1_000_000);
const IN_FLIGHT = 1024;
GOMAXPROCS(2);
const jobs = new Channel(IN_FLIGHT);
const results = new Channel(IN_FLIGHT);
const workers = [0, 1].map(() => go(new URL('./echo-heap.mjs', import.meta.url), jobs, results));
const sum = await pass(jobs, results, values, IN_FLIGHT);
if (sum !== (values * (values - 1)) / 2) throw new Error(`memory-spaces: the values summed to ${sum}, not ${(values * (values - 1)) / 2}`);
jobs.close();
const threads = await Promise.all(workers);
globalThis.gc?.();
console.log(JSON.stringify({ values, rssMB: Math.round((process.memoryUsage().rss / 2 ** 20) * 10) / 10, main: heapSizes(), threads }));
await close();
