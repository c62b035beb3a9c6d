import { go } from '@gochan/threads';

// A goroutine that starts goroutines of its own.
export default async function nested(url, n) {
  const results = await Promise.all(Array.from({ length: n }, (_, i) => go(new URL(url), i, 10)));
  return results.reduce((a, b) => a + b, 0);
}
