import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { AddressCounts, addressKey } from './address-limit.js';
import { rateLimited } from './rate-limited.js';
import type { Telemetry } from './telemetry.js';

/**
 * HttpLimits are what the server grants one client, so that hostile or
 * broken ones cannot hold it: each is an environment variable of `serve`.
 */
export interface HttpLimits {
  /** HEADERS_TIMEOUT_MS: a connection must send a request's whole head within this, from its first byte or its start (a silent or one-byte-a-second client is cut). */
  headersTimeoutMs: number;
  /** REQUEST_TIMEOUT_MS: a request must arrive whole within this. A request waiting for room in the queue has arrived: backpressure is not cut. */
  requestTimeoutMs: number;
  /** KEEP_ALIVE_TIMEOUT_MS: an idle kept-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** MAX_CONNECTIONS: past this many open connections, new ones are closed at once (below the process's file limit, so that it never runs out). */
  maxConnections: number;
  /**
   * MAX_CONNECTIONS_PER_ADDRESS: past this many open connections from one
   * client address (IPv6: one /64), a new one from it is closed at once, so
   * that one host cannot take every slot of MAX_CONNECTIONS. Behind a
   * reverse proxy every client has the proxy's address: raise it to
   * MAX_CONNECTIONS there (the proxy is the one to limit clients).
   */
  maxConnectionsPerAddress: number;
}

/** DEFAULT_LIMITS are the limits when the environment sets none. */
export const DEFAULT_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  // Under the common soft limit of 1024 open files, leaving room for the store, logs and the process's own.
  maxConnections: 900,
  // Under a third of the slots: one host may hold many connections (a NAT's users, a load test of a few hundred), never all of them.
  maxConnectionsPerAddress: 256,
};

/**
 * guard applies `limits` to `server` and says on stderr (and in the metrics)
 * when it sheds connections: past MAX_CONNECTIONS, past
 * MAX_CONNECTIONS_PER_ADDRESS from one address, or past a timeout. One
 * line at once, then at most one a second with the count meanwhile, so
 * that a flood cannot flood the log.
 *
 * Node checks the header and request timeouts every
 * `connectionsCheckingInterval`: that is set to a quarter of the shorter
 * one, so a timeout is enforced within a quarter of its length.
 *
 * @returns a function that counts the connections open now, for the metrics.
 */
export function guard(server: Server, limits: HttpLimits, telemetry: Telemetry): () => number {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  // Private to Node's http server, read at listen(): how often it checks the two timeouts (default 30 s).
  (server as unknown as { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(
    10,
    Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4),
  );

  let open = 0;
  const byAddress = new AddressCounts();
  const overShare = reporter(telemetry, 'max-per-address', (count, from) =>
    `Shedding connections: ${byAddress.open(addressKey(from))} open from ${from}, MAX_CONNECTIONS_PER_ADDRESS is ${limits.maxConnectionsPerAddress}; ` +
    `closed ${count} new connection(s) from over-limit addresses at once (the last from ${from})`,
  );
  server.on('connection', (socket: Socket) => {
    const from = socket.remoteAddress;
    // Gone already (reset before the server saw it): nothing to count.
    if (from === undefined) return;
    const key = addressKey(from);
    if (!byAddress.take(key, limits.maxConnectionsPerAddress)) {
      socket.destroy();
      overShare(from);
      return;
    }
    open++;
    socket.once('close', () => {
      open--;
      byAddress.give(key);
    });
  });

  const report = reporter(telemetry, 'max-connections', (count, from) =>
    `Shedding connections: ${open} open, MAX_CONNECTIONS is ${limits.maxConnections}; closed ${count} new connection(s) at once (the last from ${from})`,
  );
  server.on('drop', (data?: { remoteAddress?: string }) => report(data?.remoteAddress ?? 'an unknown address'));
  return () => open;
}

/**
 * timeoutReporter makes the function that reports a connection closed past
 * HEADERS_TIMEOUT_MS or REQUEST_TIMEOUT_MS (Node's
 * ERR_HTTP_REQUEST_TIMEOUT): the server's clientError listener calls it.
 */
export function timeoutReporter(telemetry: Telemetry, limits: HttpLimits): (from: string) => void {
  return reporter(
    telemetry,
    'timeout',
    (count, from) =>
      `Shedding connections: closed ${count} that did not send a whole request in time ` +
      `(HEADERS_TIMEOUT_MS ${limits.headersTimeoutMs}, REQUEST_TIMEOUT_MS ${limits.requestTimeoutMs}; the last from ${from})`,
  );
}

/** A rate-limited reporter of shed connections: counted in the metrics each, said on stderr at most once a second (see rateLimited). */
function reporter(telemetry: Telemetry, reason: string, line: (count: number, from: string) => string): (from: string) => void {
  const report = rateLimited((count, last) =>
    telemetry.log.warn(line(count, last), { event: 'shed', reason, count, remoteAddress: last }),
  );
  return (from) => {
    telemetry.shed(reason);
    report(from);
  };
}
