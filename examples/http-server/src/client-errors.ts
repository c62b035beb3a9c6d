import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** ClientErrorAnswer is what the server answers a request that never reached the handler. */
export interface ClientErrorAnswer {
  /** The status line's code and reason phrase, such as `431 Request Header Fields Too Large`. */
  readonly status: string;
  /** Why, for the body: one line. */
  readonly reason: string;
  /** Extra header lines (`Allow: GET, HEAD`), without their CRLF. */
  readonly headers: readonly string[];
}

/**
 * clientErrorAnswer maps the error of Node's `clientError` event (a request
 * that Node could not take: its parser's `HPE_*` codes, or a timeout) to the
 * answer the server writes before it hangs up:
 *
 * - `ERR_HTTP_REQUEST_TIMEOUT`: 408, the head or the whole request did not arrive in time;
 * - `HPE_HEADER_OVERFLOW`: 431, the head (request line and headers) is over Node's `maxHeaderSize`;
 * - `HPE_INVALID_METHOD`: 501 with `allow`, a method Node does not know (RFC 9110, 15.6.2);
 * - anything else (a malformed head, a malformed chunked body, both
 *   Content-Length and Transfer-Encoding): 400.
 */
export function clientErrorAnswer(error: NodeJS.ErrnoException, allow: string): ClientErrorAnswer {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: '408 Request Timeout', reason: 'The request did not arrive whole in time', headers: [] };
    case 'HPE_HEADER_OVERFLOW':
      return { status: '431 Request Header Fields Too Large', reason: 'The request line and headers are too large', headers: [] };
    case 'HPE_INVALID_METHOD':
      return { status: '501 Not Implemented', reason: 'Unknown method', headers: [`Allow: ${allow}`] };
    default:
      return { status: '400 Bad Request', reason: `Malformed request (${error.code ?? error.message})`, headers: [] };
  }
}

/** rawResponse is an answer written straight to a socket: closes the connection, says why in plain text. */
export function rawResponse({ status, reason, headers }: ClientErrorAnswer): string {
  const body = `${reason}\n`;
  return [
    `HTTP/1.1 ${status}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...headers,
    '',
    body,
  ].join('\r\n');
}

/**
 * refuseConnect answers `CONNECT` (a proxy's tunnel, which this server is
 * not) 405 with `allow` and closes the connection. Without a `connect`
 * listener, Node would close it without a word.
 */
export function refuseConnect(server: Server, allow: string): void {
  server.on('connect', (_request, socket: Duplex) => {
    socket.on('error', () => {});
    socket.end(rawResponse({ status: '405 Method Not Allowed', reason: 'Method not allowed', headers: [`Allow: ${allow}`] }));
  });
}
