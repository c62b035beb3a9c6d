/**
 * The niceness the benchmarks' "nice" rows give the threads (`setNice`, the
 * pool's `nice`): measured on 2 cores with the CPU-bound job, 5 and 10 gave
 * the same 2-thread rate (2-3% above 0, within each other's spread), 10 the
 * lower event-loop delays (medians 4.8 ms at 10, 5.5 at 0 and at 5).
 */
export const NICE = 10;
