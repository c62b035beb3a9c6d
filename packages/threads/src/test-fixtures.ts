/** The URL of a goroutine module of the tests (../test-goroutines). */
export function fixture(name: string): URL {
  return new URL(`../test-goroutines/${name}.mjs`, import.meta.url);
}
