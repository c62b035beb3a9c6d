// Test helper (not built): raw HTTP/1.1 over a socket, from a chosen
// loopback address, for what fetch cannot send (a malformed body, CONNECT,
// an unknown method) or cannot send from (127.0.0.2).
import { connect, type Socket } from 'node:net';

/** A connection held open: what it received so far, and its close. */
export interface Held {
  readonly socket: Socket;
  /** Everything received, once the server hung up (or the socket was destroyed). */
  readonly closed: Promise<string>;
  /** What has been received so far. */
  received(): string;
}

/** hold connects to 127.0.0.1:`port` from `from` (a loopback address) and resolves once connected. */
export function hold(port: number, from = '127.0.0.1'): Promise<Held> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: from });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const closed = new Promise<string>((done) => socket.on('close', () => done(received)));
    socket.on('error', () => {});
    socket.once('connect', () => resolve({ socket, closed, received: () => received }));
    socket.once('error', reject);
  });
}

/**
 * exchange sends `request` on a fresh connection from `from` and resolves
 * with what came back: once a whole response (head and Content-Length body)
 * has arrived, or the server hung up. Fails after 10 s.
 */
export async function exchange(port: number, request: string, from = '127.0.0.1'): Promise<string> {
  const held = await hold(port, from);
  held.socket.write(request);
  for (let deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    const text = held.received();
    if (wholeResponse(text) || held.socket.destroyed || held.socket.readableEnded) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  held.socket.destroy();
  return held.received();
}

/** wholeResponse says whether `text` holds a response's head and all of its body (Content-Length, or chunked to its last chunk). */
export function wholeResponse(text: string): boolean {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return false;
  if (/\r\ntransfer-encoding: *chunked/i.test(text.slice(0, end))) return text.endsWith('\r\n0\r\n\r\n');
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end));
  return Buffer.byteLength(text.slice(end + 4)) >= Number(length?.[1] ?? 0);
}

/** status is a raw response's status code, or undefined if there is none. */
export function status(response: string): number | undefined {
  const match = /^HTTP\/1\.1 (\d{3}) /.exec(response);
  return match ? Number(match[1]) : undefined;
}

/** header is a raw response's header `name`, or undefined. */
export function header(response: string, name: string): string | undefined {
  const head = response.split('\r\n\r\n', 1)[0]!;
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (line.slice(0, colon).toLowerCase() === name.toLowerCase()) return line.slice(colon + 1).trim();
  }
  return undefined;
}
