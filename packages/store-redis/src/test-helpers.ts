// Shared by this package's tests: a redis-server of their own (on a free
// port, appendonly on, in a temp folder), child processes, the built package.
import { spawn, type ChildProcess } from 'node:child_process';
import { buildPackage as build, startChild as startProgram, type Child } from '../../../tests/support/child.js';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root, with a trailing slash. */
export const root: string = fileURLToPath(new URL('../../../', import.meta.url));

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The redis-server binary: $REDIS_SERVER, else Debian's. */
const binary = process.env.REDIS_SERVER || '/usr/bin/redis-server';

/**
 * hasRedis says whether redis-server can run here. Without it the Redis
 * suites cannot run: under CI that fails them (the import throws); on a
 * developer's machine they say so loudly and are skipped.
 */
export const hasRedis: boolean = (() => {
  try {
    accessSync(binary, constants.X_OK);
    return true;
  } catch {
    const lines = ['THE REDIS SUITE DID NOT RUN.', `No redis-server at ${binary}.`, 'Install it (Debian: apt-get install -y redis-server) or set REDIS_SERVER.'];
    const width = Math.max(...lines.map((line) => line.length));
    const rule = '!'.repeat(width + 4);
    console.error(['', rule, ...lines.map((line) => `! ${line.padEnd(width)} !`), rule, ''].join('\n'));
    if (process.env.CI && process.env.CI !== 'false') throw new Error(`redis-server is missing at ${binary}, and CI is set: the Redis suite must run`);
    return false;
  }
})();

/** A free TCP port on 127.0.0.1 (free when asked: taken soon after, in practice never raced). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether a Redis on `port` answers a PING (a refusal for want of a password counts: it is up), and has its data loaded. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const end = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(1_000, () => end(false));
    socket.on('error', () => end(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) end(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
    });
  });
}

/** A redis-server of the tests' own. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** Stops it: SIGKILL (a crash: what the append-only file holds survives) or SIGTERM. */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open, nothing is answered; resume() thaws it (SIGCONT). */
  pause(): void;
  resume(): void;
  /** Starts it again on the same port and folder (after stop). */
  start(): Promise<void>;
  /** Stops it for good and removes its folder. */
  remove(): Promise<void>;
}

/**
 * startRedis starts redis-server on a free port, in a fresh temp folder,
 * with appendonly on (appendfsync always unless said otherwise) and no RDB
 * snapshots, and resolves once it answers.
 */
export async function startRedis(
  options: { appendfsync?: 'always' | 'everysec' | 'no'; appendonly?: boolean; password?: string; extra?: readonly string[] } = {},
): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gochan-redis-'));
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', options.appendonly === false ? 'no' : 'yes',
    '--appendfsync', options.appendfsync ?? 'always', '--save', '', '--daemonize', 'no', '--loglevel', 'warning', ...(options.extra ?? []),
  ];
  if (options.password !== undefined) args.push('--requirepass', options.password);
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const proc = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    proc.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (await answers(port)) return;
      if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}\n${output}`);
      await sleep(30);
    }
  };
  const stop = async (signal: 'SIGKILL' | 'SIGTERM' = 'SIGTERM'): Promise<void> => {
    const proc = child;
    child = undefined;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.on('exit', resolve));
    proc.kill(signal);
    proc.kill('SIGCONT'); // a frozen server must wake to die of SIGTERM
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://${options.password ? `:${options.password}@` : ''}127.0.0.1:${port}`,
    dir,
    stop,
    start,
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    remove: async () => {
      await stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** buildPackage builds this package and its dependencies, for the child processes. */
export function buildPackage(): void {
  build('store-redis');
}

export type { Child } from '../../../tests/support/child.js';

/** startChild runs a child program of this package's tests (by file name) under Node. */
export function startChild(program: string, args: readonly string[]): Child {
  return startProgram(fileURLToPath(new URL(`./${program}`, import.meta.url)), args);
}

/** The redis-cli binary, beside redis-server: $REDIS_CLI, else Debian's. */
const cli = process.env.REDIS_CLI || '/usr/bin/redis-cli';

/** A Redis Cluster of the tests' own: three masters, no replicas, every slot covered. */
export interface RedisCluster {
  readonly nodes: readonly RedisServer[];
  /** Stops every node and removes their folders. */
  remove(): Promise<void>;
}

/**
 * startCluster starts three redis-server nodes with cluster-enabled on free
 * ports, joins them with `redis-cli --cluster create`, and resolves once
 * every node says cluster_state:ok.
 */
export async function startCluster(): Promise<RedisCluster> {
  const nodes: RedisServer[] = [];
  try {
    for (let i = 0; i < 3; i++) nodes.push(await startRedis({ extra: ['--cluster-enabled', 'yes', '--cluster-node-timeout', '2000'] }));
    const { execFileSync } = await import('node:child_process');
    execFileSync(cli, ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'], { stdio: 'pipe', timeout: 30_000 });
    const deadline = Date.now() + 15_000;
    for (const node of nodes) {
      for (;;) {
        const info = execFileSync(cli, ['-p', String(node.port), 'cluster', 'info'], { encoding: 'utf8' });
        if (info.includes('cluster_state:ok')) break;
        if (Date.now() > deadline) throw new Error(`the cluster did not come up: ${info}`);
        await sleep(100);
      }
    }
  } catch (error) {
    await Promise.all(nodes.map((n) => n.remove()));
    throw error;
  }
  return { nodes, remove: async () => void (await Promise.all(nodes.map((n) => n.remove()))) };
}
