import { afterEach, describe, expect, test, vi } from 'vitest';
import { AddressCounts, addressKey } from './address-limit.js';
import { createApp } from './app.js';
import { DEFAULT_LIMITS } from './guard.js';
import type { App } from './server.js';
import { exchange, hold, status, type Held } from './test-raw-http.js';

describe('addressKey', () => {
  test('an IPv4 address is its own key, and so is the IPv4 an IPv4-mapped IPv6 address maps', () => {
    expect(addressKey('127.0.0.1')).toBe('127.0.0.1');
    expect(addressKey('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(addressKey('::FFFF:10.1.2.3')).toBe('10.1.2.3');
  });

  test('IPv6 addresses of one /64 share a key; another /64 has its own', () => {
    expect(addressKey('2001:db8:1:2::1')).toBe(addressKey('2001:0db8:0001:0002:ffff:1:2:3'));
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:3::1')).not.toBe(addressKey('2001:db8:1:2::1'));
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});

describe('AddressCounts', () => {
  test('takes up to max per key, each key apart, and gives back', () => {
    const counts = new AddressCounts();
    expect([1, 2, 3].map(() => counts.take('a', 2))).toEqual([true, true, false]);
    expect(counts.take('b', 2)).toBe(true);
    counts.give('a');
    expect(counts.open('a')).toBe(1);
    expect(counts.take('a', 2)).toBe(true);
    counts.give('b');
    expect(counts.open('b')).toBe(0);
  });
});

describe('MAX_CONNECTIONS_PER_ADDRESS', () => {
  let app: App;
  let stderr: string[];
  const held: Held[] = [];

  async function start(perAddress: number, maxConnections: number): Promise<number> {
    stderr = [];
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void stderr.push(String(line)));
    app = createApp({ workers: 1, queueSize: 10, taskMs: 0, limits: { ...DEFAULT_LIMITS, maxConnections, maxConnectionsPerAddress: perAddress } });
    return app.listen(0, '127.0.0.1');
  }

  afterEach(async () => {
    for (const { socket } of held.splice(0)) socket.destroy();
    await app.shutdown(0);
    vi.restoreAllMocks();
  });

  test('one address that holds its share of idle sockets is refused more; another address is still served', async () => {
    const port = await start(5, 20);
    // The hog: far more sockets than its share, and more than MAX_CONNECTIONS.
    const hog = await Promise.all(Array.from({ length: 30 }, () => hold(port, '127.0.0.1')));
    held.push(...hog);
    // Those over its share are closed at once, without a byte.
    const refused = await Promise.race([
      Promise.all(hog.slice(5).map(({ closed }) => closed)),
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000)),
    ]);
    expect(refused).toEqual(Array(25).fill(''));
    expect(hog.slice(0, 5).every(({ socket }) => !socket.destroyed)).toBe(true);
    // Another host gets in, and is served.
    const answer = await exchange(port, 'GET /task/other HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', '127.0.0.2');
    expect(status(answer)).toBe(200);
    expect(answer).toContain('Task ID other added');
    // The shedding is said as the other limits say theirs: at once, then at most once a second.
    expect(stderr[0]).toMatch(
      /^Shedding connections: 5 open from 127\.0\.0\.1, MAX_CONNECTIONS_PER_ADDRESS is 5; closed 1 new connection\(s\) from over-limit addresses at once \(the last from 127\.0\.0\.1\)$/,
    );
    expect(stderr.length).toBeLessThan(25);
    // Each one counted in the metrics, under its own reason.
    expect(await app.telemetry.registry.metrics()).toMatch(/^gochan_http_connections_shed_total\{reason="max-per-address"\} 25$/m);
  });

  test('the hog gets a slot back as soon as one of its sockets closes', async () => {
    const port = await start(2, 20);
    const first = await Promise.all([hold(port), hold(port)]);
    held.push(...first);
    const third = await hold(port);
    held.push(third);
    expect(await third.closed).toBe('');
    first[0]!.socket.destroy();
    await first[0]!.closed;
    let answer = '';
    for (let attempt = 0; attempt < 50 && status(answer) !== 200; attempt++) {
      answer = await exchange(port, 'GET /task/back HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      if (status(answer) !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status(answer)).toBe(200);
  });
});
