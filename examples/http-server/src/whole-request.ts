import type { IncomingMessage } from 'node:http';

/** MAX_BODY_BYTES is the most body a request that takes none may carry: it is read and ignored, as Go's server does. */
export const MAX_BODY_BYTES = 64 * 1024;

/** How a request's reading ended: `whole` (all of it read, ignored), `too-large`, or `cut` (the client went away, or sent a body Node could not parse). */
export type Reading = 'whole' | 'too-large' | 'cut';

/**
 * wholeRequest reads the rest of `request` (its body, which is ignored) and
 * resolves once it is known whether all of it arrived:
 *
 * - `whole`: the request ended as HTTP says it must; only then may its task be queued;
 * - `too-large`: it declares, or has sent, more than `maxBytes` of body: the server answers 413;
 * - `cut`: it closed before its end. A malformed chunked body is one of
 *   these: Node's parser fails, the server's `clientError` listener
 *   answers 400, and the request never ends.
 */
export function wholeRequest(request: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Reading> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes) return Promise.resolve('too-large');
  if (request.complete) return Promise.resolve('whole');
  return new Promise((resolve) => {
    let received = 0;
    const done = (reading: Reading): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('close', onClose);
      request.off('error', onError);
      resolve(reading);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > maxBytes) {
        // Read no more: the answer closes the connection.
        request.pause();
        done('too-large');
      }
    };
    const onEnd = (): void => done('whole');
    const onClose = (): void => done(request.complete ? 'whole' : 'cut');
    // An aborted request emits error (ECONNRESET) before close: it is a cut, not the server's error.
    const onError = (): void => {};
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('close', onClose);
    request.on('error', onError);
  });
}
