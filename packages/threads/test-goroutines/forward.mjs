import { go } from '@gochan/threads';

// Starts the goroutine `url` with `args` on some thread and returns at once, without waiting for it: its channels are forwarded.
export default function forward(url, ...args) {
  void go(new URL(url), ...args).catch(() => {});
  return 'forwarded';
}
