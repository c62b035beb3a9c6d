import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createApp } from './app.js';
import type { App } from './server.js';
import { exchange, header, hold, status, wholeResponse } from './test-raw-http.js';
import { MAX_BODY_BYTES } from './whole-request.js';

// What the server answers before a task can be queued: the whole request
// must have arrived, and Node must have been able to parse it. In process,
// on the article's pool (the HTTP layer is the same in both versions).

let log: string[];
let app: App;
let port: number;

beforeEach(async () => {
  log = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void log.push(String(line)));
  vi.spyOn(console, 'error').mockImplementation(() => {});
  app = createApp({ workers: 1, queueSize: 10, taskMs: 0 });
  port = await app.listen(0, '127.0.0.1');
});

afterEach(async () => {
  await app.shutdown(0);
  vi.restoreAllMocks();
});

const ran = (id: string): boolean => log.some((line) => line.endsWith(` task ID ${id}`));

/** Waits until a task proven queued after `id` has run: tasks run in order on one worker, so `id` had its chance. */
async function settled(): Promise<void> {
  const marker = `marker-${Math.random().toString(36).slice(2)}`;
  expect(await (await fetch(`http://127.0.0.1:${port}/task/${marker}`)).text()).toBe(`Task ID ${marker} added\n`);
  for (let i = 0; i < 1000 && !log.some((line) => line.endsWith(`finished task ID ${marker}`)); i++) await new Promise((r) => setTimeout(r, 10));
  expect(log.some((line) => line.endsWith(`finished task ID ${marker}`))).toBe(true);
}

describe('a task is queued only once its whole request has arrived and is valid', () => {
  test('GET /task with a malformed chunked body is answered 400 and its task never runs', async () => {
    const answer = await exchange(port, 'GET /task/chk HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n');
    expect(status(answer)).toBe(400);
    expect(answer).toContain('HPE_INVALID_CHUNK_SIZE');
    await settled();
    expect(ran('chk')).toBe(false);
  });

  test('a body that stops short (the client hangs up) queues nothing', async () => {
    const held = await hold(port);
    held.socket.write('GET /task/short HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc');
    await new Promise((r) => setTimeout(r, 100));
    held.socket.destroy();
    await held.closed;
    await settled();
    expect(ran('short')).toBe(false);
  });

  test('a task whose body is still arriving is not queued until it has all arrived; then 200, the body ignored', async () => {
    const held = await hold(port);
    held.socket.write('GET /task/late HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab');
    await settled();
    expect(ran('late')).toBe(false);
    expect(held.received()).toBe('');
    held.socket.write('cde');
    for (let i = 0; i < 500 && !wholeResponse(held.received()); i++) await new Promise((r) => setTimeout(r, 10));
    expect(status(held.received())).toBe(200);
    expect(held.received()).toContain('Task ID late added\n');
    held.socket.destroy();
  });

  test(`a body over ${MAX_BODY_BYTES} bytes, declared or chunked, is answered 413 and queues nothing`, async () => {
    const declared = await exchange(port, `GET /task/big1 HTTP/1.1\r\nHost: x\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`);
    expect(status(declared)).toBe(413);
    expect(header(declared, 'connection')).toBe('close');
    const chunk = 'a'.repeat(16 * 1024);
    const chunks = Array.from({ length: 5 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('');
    const chunked = await exchange(port, `GET /task/big2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}0\r\n\r\n`);
    expect(status(chunked)).toBe(413);
    await settled();
    expect(ran('big1') || ran('big2')).toBe(false);
  });

  test('headers over the limit are answered 431, not 400, and queue nothing', async () => {
    const answer = await exchange(port, `GET /task/huge HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`);
    expect(status(answer)).toBe(431);
    expect(answer).toMatch(/\r\n\r\nThe request line and headers are too large\n$/);
    await settled();
    expect(ran('huge')).toBe(false);
  });
});

describe('every method gets an answer', () => {
  test('CONNECT is answered 405 with Allow: GET, HEAD (not a silent hang-up)', async () => {
    const answer = await exchange(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expect(status(answer)).toBe(405);
    expect(header(answer, 'allow')).toBe('GET, HEAD');
  });

  test('a method Node knows but the server does not serve (PROPFIND, POST, OPTIONS) is 405 with Allow', async () => {
    for (const method of ['PROPFIND', 'POST', 'OPTIONS', 'DELETE']) {
      const answer = await exchange(port, `${method} /task/m HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`);
      expect(status(answer), method).toBe(405);
      expect(header(answer, 'allow'), method).toBe('GET, HEAD');
    }
    await settled();
    expect(ran('m')).toBe(false);
  });

  test('a method no one knows is 501 Not Implemented with Allow', async () => {
    const answer = await exchange(port, 'FROBNICATE /task/f HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(status(answer)).toBe(501);
    expect(header(answer, 'allow')).toBe('GET, HEAD');
  });

  test('the server still serves after all of these', async () => {
    await exchange(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    await exchange(port, 'FROBNICATE / HTTP/1.1\r\n\r\n');
    expect(await (await fetch(`http://127.0.0.1:${port}/task/ok`)).text()).toBe('Task ID ok added\n');
  });
});
