import { isIPv6 } from 'node:net';

/**
 * addressKey is what the per-address connection limit counts by: an IPv4
 * address as it is (an IPv4-mapped IPv6 one, `::ffff:10.0.0.1`, as the
 * IPv4 it maps), and an IPv6 address by its /64 prefix, since one host is
 * commonly given a whole /64 and may connect from any address in it.
 */
export function addressKey(remoteAddress: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remoteAddress);
  if (mapped) return mapped[1]!;
  if (!isIPv6(remoteAddress)) return remoteAddress;
  return `${expandIPv6(remoteAddress).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, as lowercase hex without leading zeros (a zone, `%eth0`, dropped). */
function expandIPv6(address: string): string[] {
  const bare = address.split('%', 1)[0]!.toLowerCase();
  const [head, tail] = bare.includes('::') ? bare.split('::', 2) as [string, string] : [bare, undefined];
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  // An embedded IPv4 tail (`::1.2.3.4`) takes two groups; only the first four matter here.
  const fill = Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  return [...left, ...fill, ...right].map((group) => (group.includes('.') ? group : (Number.parseInt(group, 16) || 0).toString(16)));
}

/**
 * AddressCounts counts the open connections of each address (by
 * {@link addressKey}), so that the server can refuse one address more than
 * its share while others still get in.
 */
export class AddressCounts {
  readonly #open = new Map<string, number>();

  /**
   * take counts one more connection from `key` if it has fewer than `max`
   * open, and says whether it did.
   */
  take(key: string, max: number): boolean {
    const open = this.#open.get(key) ?? 0;
    if (open >= max) return false;
    this.#open.set(key, open + 1);
    return true;
  }

  /** give counts one connection from `key` as closed. */
  give(key: string): void {
    const open = this.#open.get(key) ?? 0;
    if (open <= 1) this.#open.delete(key);
    else this.#open.set(key, open - 1);
  }

  /** open is how many connections from `key` are counted open. */
  open(key: string): number {
    return this.#open.get(key) ?? 0;
  }
}
