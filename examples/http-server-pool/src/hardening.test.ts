import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { Program } from '../../http-server/src/test-program.js';

// The built program as `pnpm start` runs it, tried as a hostile client
// would: a connection that never sends, one that sends a byte at a time,
// more connections than MAX_CONNECTIONS. The timeouts are short, set in the
// environment; nothing here asserts how fast the server is, only that it
// cuts what it must and says so on stderr.

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const programs: Program[] = [];
const sockets: Socket[] = [];

function start(env: Record<string, string>): Program {
  const program = new Program(main, { PORT: '0', STORE: 'memory', TASK_MS: '50', ...env });
  programs.push(program);
  return program;
}

/** open connects to `base` from `from` (a loopback address) and resolves once connected, with the socket and a promise of its close. */
function open(base: string, from = '127.0.0.1'): Promise<{ socket: Socket; closed: Promise<string> }> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect({ port: Number(port), host: '127.0.0.1', localAddress: from });
    sockets.push(socket);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const closed = new Promise<string>((done) => socket.on('close', () => done(received)));
    socket.on('error', () => {});
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/** waitForStderr resolves with the first stderr line matching `pattern`, failing after 15 s. */
async function waitForStderr(program: Program, pattern: RegExp): Promise<string> {
  for (let deadline = Date.now() + 15_000; Date.now() < deadline; ) {
    const line = program.stderr.find((text) => pattern.test(text));
    if (line !== undefined) return line;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no stderr line matched ${pattern}; stderr:\n${program.stderr.join('\n')}`);
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const program of programs.splice(0)) {
    program.kill('SIGKILL');
    await program.exit();
  }
});

describe('http-server-pool against hostile clients', () => {
  test('a connection that never sends is closed by HEADERS_TIMEOUT_MS, and stderr says so', async () => {
    const program = start({ HEADERS_TIMEOUT_MS: '300' });
    const base = await program.started();
    const { closed } = await open(base);
    const answer = await closed;
    expect(answer === '' || answer.startsWith('HTTP/1.1 408 ')).toBe(true);
    expect(await waitForStderr(program, /^Shedding connections: closed \d+ that did not send a whole request in time/)).toMatch(
      /\(HEADERS_TIMEOUT_MS 300, REQUEST_TIMEOUT_MS 30000; the last from (::ffff:)?127\.0\.0\.1\)$/,
    );
  });

  test('a client sending its head a byte at a time is cut off before it is whole', async () => {
    const program = start({ HEADERS_TIMEOUT_MS: '400' });
    const base = await program.started();
    const { socket, closed } = await open(base);
    const head = `GET /task/slow HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(400)}\r\n\r\n`;
    let sent = 0;
    let open_ = true;
    void closed.then(() => (open_ = false));
    // One byte every 20 ms: the whole head would take over 8 s.
    while (open_ && sent < head.length) {
      socket.write(head[sent++]!);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await closed).toMatch(/^(HTTP\/1\.1 408 |$)/);
    expect(sent).toBeLessThan(head.length);
    await waitForStderr(program, /^Shedding connections: closed \d+ that did not send a whole request in time/);
    // The task was never queued.
    expect(program.stdout.some((line) => line.includes('task ID slow'))).toBe(false);
  });

  test('past MAX_CONNECTIONS a new client is closed at once and stderr says so; the server then serves again', async () => {
    const program = start({ MAX_CONNECTIONS: '4' });
    const base = await program.started();
    const held = await Promise.all([1, 2, 3, 4].map(() => open(base)));
    // Idle connections, held open: the fifth goes over the limit.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const extra = await open(base);
    expect(await extra.closed).toBe('');
    const line = await waitForStderr(program, /^Shedding connections: /);
    expect(line).toMatch(/^Shedding connections: 4 open, MAX_CONNECTIONS is 4; closed 1 new connection\(s\) at once \(the last from (::ffff:)?127\.0\.0\.1\)$/);
    for (const { socket } of held) socket.destroy();
    await Promise.all(held.map(({ closed }) => closed));
    // Room again: a request gets through (the server may take a moment to see the closes).
    let status: number | undefined;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
      status = await fetch(`${base}/task/after`).then((response) => response.status, () => undefined);
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(200);
  });

  test('one host holding idle sockets past MAX_CONNECTIONS_PER_ADDRESS cannot shut out another: 127.0.0.2 is still served', async () => {
    const program = start({ MAX_CONNECTIONS: '40', MAX_CONNECTIONS_PER_ADDRESS: '8' });
    const base = await program.started();
    // One client opens more idle sockets than MAX_CONNECTIONS: what was 950 against 900.
    const hog = await Promise.all(Array.from({ length: 50 }, () => open(base, '127.0.0.1')));
    const line = await waitForStderr(program, /^Shedding connections: \d+ open from /);
    expect(line).toMatch(/^Shedding connections: 8 open from (::ffff:)?127\.0\.0\.1, MAX_CONNECTIONS_PER_ADDRESS is 8; closed \d+ new connection\(s\) from over-limit addresses at once \(the last from (::ffff:)?127\.0\.0\.1\)$/);
    const closed = await Promise.all(hog.slice(8).map(({ closed }) => closed));
    expect(closed.every((answer) => answer === '')).toBe(true);
    // Another address is served while the hog holds its eight.
    const other = await open(base, '127.0.0.2');
    other.socket.write('GET /task/other HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(await other.closed).toMatch(/^HTTP\/1\.1 200 [^]*Task ID other added\n/);
    expect(hog.slice(0, 8).every(({ socket }) => !socket.destroyed)).toBe(true);
  });

  test('a bad limit is named and the program exits 2', async () => {
    const program = start({ MAX_CONNECTIONS: '0' });
    expect(await program.exit()).toBe(2);
    expect(program.stderr).toEqual(['Expected `MAX_CONNECTIONS` to be an integer of at least 1, got "0"']);
  });
});
