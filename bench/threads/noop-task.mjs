// The no-op task of a thread pool: returns its argument.
export default function noopTask(value) {
  return value;
}
