// `node bench/channel/timers.mjs`: what a timer costs, counted in
// instructions, the channel package now beside its build at an earlier ref
// (default: 1af56c0, one setTimeout per alarm, before the timer heap). Each
// (ref, workload, live) is timers-child.mjs under callgrind twice, with n
// operations and with none: the difference over n is one operation's cost,
// setup (the `live` pending timers, Node's start) taken off. Wall time on
// this shared machine moves by tens of percent; callgrind counts do not.
//
// Needs valgrind. Environment: TIMER_REFS (comma-separated, default 1af56c0),
// TIMER_N (default 20000), TIMER_LIVE (default 0,1000; tick-delivery needs it above 0: how many other timers
// stay pending through the run, so that the heap the workload's timer goes
// into holds that many), TIMER_WORKLOADS (default: all four; tick-delivery reads `live` as the
// number of 1 ms tickers, and n as the ticks received: the tick count a run
// gets per millisecond depends on how fast it runs, so its rows are rougher).
import { build, count } from './callgrind.mjs';

const child = new URL('./timers-child.mjs', import.meta.url).pathname;
const REFS = (process.env.TIMER_REFS ?? '1af56c0').split(',');
const N = Number(process.env.TIMER_N ?? 20_000);
const LIVE = (process.env.TIMER_LIVE ?? '0,1000').split(',').map(Number);
const WORKLOADS = (process.env.TIMER_WORKLOADS ?? 'timer-cycle,ticker-cycle,select-timeout,tick-delivery').split(',');

const builds = [['now', undefined], ...REFS.map((ref) => [ref, build(ref)])];
console.log(`instructions per operation (n = ${N}, the run with n = 0 taken off)`);
console.log(`| workload | live timers | ${builds.map(([name]) => name).join(' | ')} | ${REFS.map((ref) => `now ÷ ${ref}`).join(' | ')} |`);
console.log(`|---|---:|${builds.map(() => '---:').join('|')}|${REFS.map(() => '---:').join('|')}|`);
for (const workload of WORKLOADS) {
  for (const live of LIVE) {
    const per = builds.map(([, module]) => {
      const env = module === undefined ? {} : { CHANNEL_MODULE: module };
      return (count(child, [workload, String(live), String(N)], env) - count(child, [workload, String(live), '0'], env)) / N;
    });
    const ratios = per.slice(1).map((base) => (per[0] / base).toFixed(3));
    console.log(`| ${workload} | ${live} | ${per.map((x) => x.toFixed(0)).join(' | ')} | ${ratios.join(' | ')} |`);
  }
}
