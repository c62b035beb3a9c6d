// Test helper (not built): the behaviour every version of the server must
// have, run in process against an app listening on a free port. Both the
// http-server and the http-server-pool examples run this same suite.
import { connect } from 'node:net';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { linesByTask } from './test-program.js';

/** What the suite needs of an app: the part of `App` both versions share. */
export interface TestableApp {
  listen(port: number, host?: string): Promise<number>;
  shutdown(timeoutMs: number): Promise<{ timedOut: boolean; cutOff: string[]; notStarted: string[]; keptInStore: boolean }>;
}

export type AppFactory = (options: { workers: number; queueSize: number; taskMs: number }) => TestableApp | Promise<TestableApp>;

/** A task long enough never to end by itself within a test. */
const FOREVER = 600_000;

export function describeApp(name: string, createApp: AppFactory): void {
  describe(name, () => {
    let log: string[];
    const apps: TestableApp[] = [];

    async function start(options: { workers: number; queueSize: number; taskMs: number }): Promise<[TestableApp, string]> {
      log = [];
      vi.spyOn(console, 'log').mockImplementation((line: unknown) => void log.push(String(line)));
      const app = await createApp(options);
      apps.push(app);
      const port = await app.listen(0, '127.0.0.1');
      return [app, `http://127.0.0.1:${port}`];
    }

    /** waitUntil polls `condition` every few milliseconds, up to 10 s. */
    async function waitUntil(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
      for (let deadline = Date.now() + 10_000; Date.now() < deadline; ) {
        if (await condition()) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      throw new Error(`timed out waiting until ${what}; log:\n${log.join('\n')}`);
    }

    async function stats(base: string): Promise<Record<string, unknown>> {
      return (await (await fetch(`${base}/stats`)).json()) as Record<string, unknown>;
    }

    afterEach(async () => {
      for (const app of apps.splice(0)) {
        await app.shutdown(0);
      }
      vi.restoreAllMocks();
    });

    test('GET /task/{id} answers 200 "Task ID {id} added" and a worker processes then finishes it', async () => {
      const [app, base] = await start({ workers: 4, queueSize: 1000, taskMs: 10 });
      const response = await fetch(`${base}/task/42`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('Task ID 42 added\n');
      await waitUntil(() => log.some((line) => line.includes('finished')), 'the task is finished');
      expect(log).toEqual([expect.stringMatching(/^Worker [1-4] processing task ID 42$/), expect.stringMatching(/^Worker [1-4] finished task ID 42$/)]);
      expect(linesByTask(log).get('42')).toEqual([expect.stringMatching(/^processing by (\d)$/), log[1]!.replace(/^Worker (\d) finished.*/, 'finished by $1')]);
      expect(await app.shutdown(1000)).toEqual({ timedOut: false, cutOff: [], notStarted: [], keptInStore: false });
    });

    test('an id is percent-decoded, one path segment, and at most 256 characters', async () => {
      const [, base] = await start({ workers: 1, queueSize: 10, taskMs: 0 });
      expect(await (await fetch(`${base}/task/a%20b`)).text()).toBe('Task ID a b added\n');
      const longest = 'x'.repeat(256);
      expect(await (await fetch(`${base}/task/${longest}`)).text()).toBe(`Task ID ${longest} added\n`);
      const tooLong = await fetch(`${base}/task/${'x'.repeat(257)}`);
      expect([400, 414]).toContain(tooLong.status);
      expect((await fetch(`${base}/task/`)).status).toBe(400);
      expect((await fetch(`${base}/task/%E0%A4%A`)).status).toBe(400);
      expect((await fetch(`${base}/task/line%0Abreak`)).status).toBe(400);
      expect((await fetch(`${base}/task/a/b`)).status).toBe(404);
    });

    test('an id with a bidi override, another format character or a line separator is refused with 400, and never reaches the log', async () => {
      const [, base] = await start({ workers: 1, queueSize: 10, taskMs: 0 });
      const error = vi.spyOn(console, 'error').mockImplementation((line: unknown) => void log.push(String(line)));
      // U+202E (right-to-left override) would show `invoice‮gpj.exe` as `invoiceexe.jpg`; U+200B is invisible; U+2028 breaks a line.
      for (const id of ['invoice%E2%80%AEgpj.exe', 'a%E2%80%8Bb', 'a%E2%80%A8b', '%E2%81%A6isolate', 'x%C2%AD']) {
        const response = await fetch(`${base}/task/${id}`);
        expect(response.status, id).toBe(400);
        expect(await response.text()).toBe('Expected a task ID without control or format characters (such as line breaks or bidi overrides)\n');
      }
      expect(await (await fetch(`${base}/task/caf%C3%A9-%E6%97%A5%E6%9C%AC`)).text()).toBe('Task ID café-日本 added\n');
      await waitUntil(() => log.some((line) => line.includes('finished')), 'the task is finished');
      expect(log.filter((line) => /[\p{Cf}\u2028]/u.test(line))).toEqual([]);
      error.mockRestore();
    });

    test('HEAD answers as GET without a body: a task is queued, /stats and /metrics answer their headers', async () => {
      const [, base] = await start({ workers: 1, queueSize: 10, taskMs: 0 });
      const head = await fetch(`${base}/task/by-head`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await head.text()).toBe('');
      await waitUntil(() => log.some((line) => line === 'Worker 1 finished task ID by-head'), 'the task is finished');
      for (const path of ['/stats', '/metrics', '/']) {
        const [get, headOnly] = await Promise.all([fetch(`${base}${path}`), fetch(`${base}${path}`, { method: 'HEAD' })]);
        expect(headOnly.status, path).toBe(200);
        expect(headOnly.headers.get('content-type'), path).toBe(get.headers.get('content-type'));
        expect(await headOnly.text(), path).toBe('');
        expect((await get.text()).length, path).toBeGreaterThan(0);
      }
    });

    test('GET /dashboard/events streams the history, then each worker and its task, and the counts', async () => {
      const [, base] = await start({ workers: 3, queueSize: 10, taskMs: FOREVER });
      expect((await fetch(`${base}/task/shown`)).status).toBe(200);
      await waitUntil(async () => (await stats(base)).active === 1, 'the task runs');
      const client = new AbortController();
      const response = await fetch(`${base}/dashboard/events`, { signal: client.signal });
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      // Read events until one shows the task running (the samples come each second).
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      const events: { event: string; data: unknown }[] = [];
      let text = '';
      while (!events.some(({ event, data }) => event === 'state' && JSON.stringify(data).includes('"shown"'))) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
        for (let end = text.indexOf('\n\n'); end !== -1; end = text.indexOf('\n\n')) {
          const [eventLine, dataLine] = text.slice(0, end).split('\n');
          events.push({ event: eventLine!.slice('event: '.length), data: JSON.parse(dataLine!.slice('data: '.length)) });
          text = text.slice(end + 2);
        }
      }
      client.abort();
      expect(events[0]!.event).toBe('history');
      expect(Array.isArray(events[0]!.data)).toBe(true);
      const last = events.at(-1)!.data as { workers: unknown[]; sample: { busy: number }; totals: { completed: number } };
      expect(last.workers).toEqual([[1, 'b', 'shown'], [2, 'i'], [3, 'i']]);
      expect(last.sample.busy).toBe(1);
      expect(last.totals.completed).toBe(0);
    });

    test('an unknown path is 404; another method is 405 with Allow: GET, HEAD', async () => {
      const [, base] = await start({ workers: 1, queueSize: 10, taskMs: 0 });
      expect((await fetch(`${base}/nothing-here`)).status).toBe(404);
      expect((await fetch(`${base}/tasks/1`)).status).toBe(404);
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const response = await fetch(`${base}/task/1`, { method });
        expect(response.status).toBe(405);
        expect(response.headers.get('allow')).toBe('GET, HEAD');
      }
      expect(log.filter((line) => line.includes('task ID 1'))).toEqual([]);
    });

    test('GET /stats shows the queue, the workers and the counts', async () => {
      const [, base] = await start({ workers: 2, queueSize: 10, taskMs: FOREVER });
      for (const id of ['a', 'b', 'c']) {
        expect((await fetch(`${base}/task/${id}`)).status).toBe(200);
      }
      await waitUntil(async () => (await stats(base)).active === 2, 'both workers are busy');
      const body = await stats(base);
      expect(body).toMatchObject({ queued: 1, active: 2, completed: 0, failed: 0, waiting: 0 });
      expect(body.workers).toMatchObject([
        { id: 1, state: 'busy' },
        { id: 2, state: 'busy' },
      ]);
    });

    test('backpressure: a request waits while the queue is full, and gets its 200 once there is room', async () => {
      // Task 1 runs for a second: the time the test has to see the third request wait.
      const [, base] = await start({ workers: 1, queueSize: 1, taskMs: 1000 });
      expect((await fetch(`${base}/task/1`)).status).toBe(200);
      expect((await fetch(`${base}/task/2`)).status).toBe(200);
      let answered = false;
      const third = fetch(`${base}/task/3`).then((response) => {
        answered = true;
        return response;
      });
      await waitUntil(async () => (await stats(base)).waiting === 1, 'the third request waits');
      expect(answered).toBe(false);
      const response = await third;
      expect(response.status).toBe(200);
      // It got in only when task 1 was done and task 2 taken from the queue.
      expect(log).toEqual(['Worker 1 processing task ID 1', 'Worker 1 finished task ID 1', 'Worker 1 processing task ID 2']);
      expect(await stats(base)).toMatchObject({ queued: 1, active: 1, waiting: 0 });
    });

    test('a client that disconnects while waiting withdraws its task: no ghost task', async () => {
      const [app, base] = await start({ workers: 1, queueSize: 1, taskMs: FOREVER });
      expect((await fetch(`${base}/task/running`)).status).toBe(200);
      expect((await fetch(`${base}/task/queued`)).status).toBe(200);
      const client = new AbortController();
      const ghost = fetch(`${base}/task/ghost`, { signal: client.signal }).catch((error: unknown) => error);
      await waitUntil(async () => (await stats(base)).waiting === 1, 'the request waits');
      client.abort();
      expect(await ghost).toBeInstanceOf(Error);
      await waitUntil(async () => (await stats(base)).waiting === 0, 'the request is withdrawn');
      expect(await stats(base)).toMatchObject({ queued: 1, active: 1 });

      const report = await app.shutdown(50);
      expect(report.timedOut).toBe(true);
      expect(report.cutOff).toEqual(['running']);
      expect(report.notStarted).toEqual(['queued']);
      // The queued task was never started; the ghost never even queued.
      expect([...linesByTask(log).keys()]).toEqual(['running']);
      expect(log.at(-1)).toMatch(/^Worker 1 cancelled task ID running: context canceled$/);
    });

    test('shutdown lets the workers finish every queued task, then reports none cancelled', async () => {
      const [app, base] = await start({ workers: 2, queueSize: 10, taskMs: 50 });
      const ids = ['1', '2', '3', '4', '5', '6'];
      for (const id of ids) {
        expect((await fetch(`${base}/task/${id}`)).status).toBe(200);
      }
      expect(await app.shutdown(20_000)).toEqual({ timedOut: false, cutOff: [], notStarted: [], keptInStore: false });
      const byTask = linesByTask(log);
      expect([...byTask.keys()].sort()).toEqual(ids);
      for (const [id, lines] of byTask) {
        const worker = lines[0]!.slice('processing by '.length);
        expect(lines, `task ${id}`).toEqual([`processing by ${worker}`, `finished by ${worker}`]);
      }
    });

    test('once shutdown has begun, new requests are refused and waiting ones get 503', async () => {
      const [app, base] = await start({ workers: 1, queueSize: 1, taskMs: 1000 });
      expect((await fetch(`${base}/task/1`)).status).toBe(200);
      expect((await fetch(`${base}/task/2`)).status).toBe(200);
      const waiting = fetch(`${base}/task/3`);
      await waitUntil(async () => (await stats(base)).waiting === 1, 'the third request waits');
      const stopped = app.shutdown(20_000);
      expect((await waiting).status).toBe(503);
      // Refused: either 503 on a kept-alive connection, or no listener at all.
      const late = await fetch(`${base}/task/4`).then(
        (response) => response.status,
        () => 'refused',
      );
      expect([503, 'refused']).toContain(late);
      expect(await stopped).toEqual({ timedOut: false, cutOff: [], notStarted: [], keptInStore: false });
      expect([...linesByTask(log).keys()].sort()).toEqual(['1', '2']);
    });

    test('a second shutdown returns the first one’s report', async () => {
      const [app] = await start({ workers: 1, queueSize: 1, taskMs: 0 });
      const first = app.shutdown(1000);
      expect(app.shutdown(1000)).toBe(first);
    });

    test('malformed requests get 400 or a hang-up, and never bring the server down', async () => {
      const [, base] = await start({ workers: 1, queueSize: 10, taskMs: 0 });
      const { port } = new URL(base);
      const garbage = [
        'GARBAGE\r\n\r\n',
        'GET\r\n\r\n',
        'GET /task/1 HTTP/9.9\r\n\r\n',
        'GET /task/1 HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
        'GET /task/1 HTTP/1.1\r\nBad Header Line\r\n\r\n',
        'GET http://example.com/task/1?x HTTP/1.1\r\nHost: x\r\n\r\n',
        'GET * HTTP/1.1\r\nHost: x\r\n\r\n',
        '\u0000\u0001\u0002\r\n\r\n',
        `GET /task/${'%'.repeat(100)} HTTP/1.1\r\nHost: x\r\n\r\n`,
        `GET /task/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`,
      ];
      for (const request of garbage) {
        const answer = await rawExchange(Number(port), request);
        expect(answer === '' || /^HTTP\/1\.1 [45]\d\d /.test(answer), JSON.stringify([request, answer])).toBe(true);
      }
      const response = await fetch(`${base}/task/still-alive`);
      expect(await response.text()).toBe('Task ID still-alive added\n');
    });
  });
}

/** rawExchange sends `request` on a fresh connection and collects what comes back until the server hangs up. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
      // A complete head is enough: some requests leave the connection open.
      if (answer.includes('\r\n\r\n')) socket.end();
    });
    socket.on('error', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.setTimeout(5_000, () => {
      socket.destroy();
      reject(new Error(`no answer to ${JSON.stringify(request)}`));
    });
    socket.write(request);
  });
}
