// Closes a channel that is already closed: Go's panic, here an uncaught error that ends the thread.
export default async function closeTwice(ch) {
  ch.close();
  return new Promise(() => {});
}
