// A goroutine that throws an error with a cause.
export default function throws(message) {
  throw new RangeError(message, { cause: new Error('the root cause') });
}
