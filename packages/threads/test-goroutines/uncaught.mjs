// Throws outside any promise the goroutine returns: the thread dies of it.
export default function uncaught(message) {
  setTimeout(() => {
    throw new Error(message);
  }, 0);
  return new Promise(() => {});
}
