/**
 * describe renders a value the way gochan's error messages show what they
 * received ("Expected `capacity` to be a non-negative safe integer, got
 * -1"): a string quoted, a bigint with its `n`, a function, an array or
 * another object by its kind (never its contents, which may be large or
 * private), anything else as `String` prints it. Go's `%q`/`%v` verbs play
 * this part in Go's own messages.
 *
 * Every gochan package builds its messages with this one function, so the
 * same mistake reads the same in each.
 *
 * @example
 * ```ts
 * describe('4');      // '"4"'
 * describe(1.5);      // '1.5'
 * describe({ a: 1 }); // 'an object'
 * ```
 */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (value !== null && typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}
