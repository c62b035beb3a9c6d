// Sleeps `ms` milliseconds (a timer is all its thread has pending), then returns `ms`.
export default function sleep(ms) {
  return new Promise((resolve) => setTimeout(() => resolve(ms), ms));
}
