// A goroutine that computes without yielding until word 0 of `flag` is
// set; it sets word 1 once it spins.
export default function spin(flag) {
  const words = new Int32Array(flag);
  Atomics.store(words, 1, 1);
  while (Atomics.load(words, 0) === 0);
  return 'stopped';
}
