import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Program } from '../../http-server/src/test-program.js';
import { hasRedis, startRedis, type RedisServer } from '../../../packages/store-redis/src/test-helpers.js';

// At start, after `Server running on :{port}`, the server says where its
// tasks are kept; on stderr it warns of a Redis that would lose them.

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** Sends one command to Redis on `port` and resolves with the first line of its reply. */
function redisCommand(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.on('error', reject);
    socket.on('connect', () => socket.write(`*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.split('\r\n', 1)[0]!);
      }
    });
  });
}

async function startedProgram(env: Record<string, string>): Promise<Program> {
  const program = new Program(main, { PORT: '0', ...env });
  await program.started();
  // The lines after `Server running` are written in the same turn; let them arrive.
  await program.waitFor(/^Tasks (in|on) /);
  program.kill('SIGTERM');
  await program.exit();
  return program;
}

describe('http-server-pool says where its tasks are kept', () => {
  test('on SQLite: `Tasks in <path> (SQLite, queue …)` right after `Server running`, and no warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gochan-notice-'));
    try {
      const program = await startedProgram({ STORE: `sqlite:${dir}/tasks.db`, QUEUE: 'jobs' });
      expect(program.stdout.slice(0, 2)).toEqual([expect.stringMatching(/^Server running on :\d+$/), `Tasks in ${dir}/tasks.db (SQLite, queue jobs)`]);
      expect(program.stderr.filter((line) => line.startsWith('Warning'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('in memory: `Tasks in memory (lost when the process stops)`', async () => {
    const program = await startedProgram({ STORE: 'memory' });
    expect(program.stdout[1]).toBe('Tasks in memory (lost when the process stops)');
  });
});

describe.runIf(hasRedis)('http-server-pool on a Redis that persists nothing', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.remove();
  });

  test('with appendonly yes, appendfsync always: `Tasks on redis://… (Redis, queue …)`, and no warning', async () => {
    const program = await startedProgram({ STORE: `${redis.url}/0`, QUEUE: 'kept' });
    expect(program.stdout[1]).toBe(`Tasks on ${redis.url}/0 (Redis, queue kept)`);
    expect(program.stderr.filter((line) => line.startsWith('Warning'))).toEqual([]);
  });

  test('with appendonly no and no snapshots: a warning on stderr that a crash of Redis loses every waiting task', async () => {
    expect(await redisCommand(redis.port, 'CONFIG', 'SET', 'appendonly', 'no')).toBe('+OK');
    expect(await redisCommand(redis.port, 'CONFIG', 'SET', 'save', '')).toBe('+OK');
    const program = await startedProgram({ STORE: `${redis.url}/0`, QUEUE: 'lost' });
    expect(program.stdout[1]).toBe(`Tasks on ${redis.url}/0 (Redis, queue lost)`);
    const warnings = program.stderr.filter((line) => line.startsWith('Warning'));
    expect(warnings).toHaveLength(1);
    // The store on main reads appendonly only; the store half of issue 23 reads save too, and then says "persists nothing".
    expect(warnings[0]).toMatch(
      new RegExp(`^Warning: Redis at ${redis.url.replace(/[.]/g, '\\.')}/0 (persists nothing \\(appendonly no, no save snapshots\\)|has appendonly no, and keeps at most its save snapshots, if it has any)`),
    );
    // This Redis is removed after the suite: its settings need no restoring (turning appendonly back on would start a rewrite).
  });
});
