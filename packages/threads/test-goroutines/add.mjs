// A goroutine that returns the sum of its arguments.
export default function add(a, b) {
  return a + b;
}
