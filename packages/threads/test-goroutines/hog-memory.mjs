// Allocates until the thread's heap limit kills it.
export default function hogMemory() {
  const kept = [];
  for (;;) kept.push(new Array(1e5).fill(kept.length));
}
