import { describe, expect, test } from 'vitest';
import { parseTaskKind } from './task-kind.js';

describe('TASK_KIND', () => {
  test('sleep and cpu where accepted; anything else is named with what it may be', () => {
    expect(parseTaskKind('sleep', ['sleep'])).toBe('sleep');
    expect(parseTaskKind('cpu', ['sleep', 'cpu'])).toBe('cpu');
    expect(() => parseTaskKind('gpu', ['sleep', 'cpu'])).toThrow(new RangeError('Expected `TASK_KIND` to be `sleep` or `cpu`, got "gpu"'));
    expect(() => parseTaskKind('cpu', ['sleep'])).toThrow(/to be `sleep` \(this version of the server sleeps, as the article does; the one on @gochan\/pool computes on threads\), got "cpu"/);
  });
});
