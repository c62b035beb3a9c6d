/**
 * integerFromEnv reads a whole number from the environment variable `name`,
 * or `fallback` when it is unset or empty (undefined for a setting whose
 * default is left to the library it is handed to).
 *
 * @throws RangeError naming the variable and the value received when it is
 *   not an integer of at least `min` (and, if given, at most `max`).
 */
export function integerFromEnv<F extends number | undefined>(name: string, fallback: F, min = 0, max?: number): number | F {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') {
    return fallback;
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || (max !== undefined && value > max)) {
    const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new RangeError(`Expected \`${name}\` to be an integer ${range}, got ${JSON.stringify(text)}`);
  }
  return value;
}
