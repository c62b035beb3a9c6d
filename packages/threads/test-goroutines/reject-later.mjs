// Leaves a rejection nobody handles, outside the promise the goroutine returns: the thread dies of it.
export default function rejectLater(message) {
  setTimeout(() => void Promise.reject(new TypeError(message)), 0);
  return new Promise(() => {});
}
