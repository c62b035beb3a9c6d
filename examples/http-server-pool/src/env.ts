/**
 * integerFromEnv reads a whole number from the environment variable `name`,
 * or `fallback` when it is unset or empty.
 *
 * @throws RangeError naming the variable and the value received when it is
 *   not an integer of at least `min`.
 */
export function integerFromEnv(name: string, fallback: number, min = 0): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') {
    return fallback;
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`Expected \`${name}\` to be an integer of at least ${min}, got ${JSON.stringify(text)}`);
  }
  return value;
}
