import type * as NodeOS from 'node:os';
import type * as NodePath from 'node:path';
import type * as NodeURL from 'node:url';
import type * as NodeThreads from 'node:worker_threads';
import { listen } from './drain.js';
import type { Host, HostThread, ThreadData, ThreadEvents, ThreadLimits } from './host.js';

/*
 * Threads on Node's worker_threads: Node, and Bun and Deno through their
 * node:worker_threads (hosts.ts says why those two take this host and not
 * their Web Workers).
 *
 * Node's modules come from process.getBuiltinModule (Node 20.16, Bun, Deno),
 * not from static imports, so that this file, which the package's every
 * entry imports, also loads in a browser, where this host is never picked.
 */

/** The worker entry. Run from sources (the repository's tests resolve packages to src/*.ts), the worker still runs the built file: a worker thread loads JavaScript. */
const ENTRY = new URL(import.meta.url.endsWith('.ts') ? '../dist/thread.js' : './thread.js', import.meta.url);

interface NodeProcess {
  getBuiltinModule?(id: string): unknown;
  env: Record<string, string | undefined>;
  execArgv: string[];
  platform: string;
}

/** The process object of a runtime with Node's modules, or undefined. */
function nodeProcess(): NodeProcess | undefined {
  const proc = (globalThis as { process?: NodeProcess }).process;
  return typeof proc?.getBuiltinModule === 'function' ? proc : undefined;
}

/** The Node host, or undefined where this runtime has no node:worker_threads. */
export function nodeHost(): Host | undefined {
  const proc = nodeProcess();
  if (proc === undefined) return undefined;
  const threads = proc.getBuiltinModule?.('node:worker_threads') as typeof NodeThreads | undefined;
  const os = proc.getBuiltinModule?.('node:os') as typeof NodeOS | undefined;
  const path = proc.getBuiltinModule?.('node:path') as typeof NodePath | undefined;
  const url = proc.getBuiltinModule?.('node:url') as typeof NodeURL | undefined;
  if (typeof threads?.Worker !== 'function' || os === undefined || path === undefined || url === undefined) return undefined;
  const { MessageChannel, Worker, receiveMessageOnPort } = threads;

  /** Makes a Worker; if Node refuses some of its execArgv, again without them. */
  function newWorker(options: NodeThreads.WorkerOptions): NodeThreads.Worker {
    try {
      return new Worker(ENTRY, options);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code !== 'ERR_WORKER_INVALID_EXEC_ARGV' || options.execArgv === undefined) throw error;
      const named = /flags: (.*)$/.exec((error as Error).message)?.[1]?.split(', ') ?? [];
      return new Worker(ENTRY, { ...options, execArgv: threadExecArgv(proc?.execArgv ?? [], named) });
    }
  }

  return {
    name: 'node:worker_threads',
    limits: true,
    // setpriority(2) on Linux sets one thread's niceness; on macOS and
    // Windows it is the process's, which would slow the main thread too.
    nice: proc.platform === 'linux',
    paths: true,
    spawn(data: ThreadData, events: ThreadEvents, limits: ThreadLimits | undefined): HostThread {
      // A channel of its own rather than the worker's port: a MessagePort can be
      // drained (drain.ts), which the Worker object's own port cannot.
      const { port1, port2 } = new MessageChannel();
      const execArgv = threadExecArgv(proc.execArgv);
      const worker = newWorker({
        workerData: { ...data, port: port2 },
        transferList: [port2],
        ...(execArgv === undefined ? {} : { execArgv }),
        ...(limits === undefined ? {} : { resourceLimits: limits }),
      });
      listen(port1, events.message, receiveMessageOnPort);
      // Whether a thread keeps the process alive is the worker's ref (place/unplace), never its port's.
      port1.unref();
      worker.on('error', events.error);
      worker.on('exit', (code: number) => {
        port1.close();
        events.exit(code);
      });
      worker.unref();
      return {
        port: port1,
        ref: () => worker.ref(),
        unref: () => worker.unref(),
        terminate: () => worker.terminate().then(noop),
      };
    },
    cpus: () => (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length),
    env(name: string): string | undefined {
      try {
        return proc.env[name];
      } catch {
        // Deno without --allow-env refuses to read it: as if it were unset.
        return undefined;
      }
    },
    fileURL: (file: string) => (path.isAbsolute(file) ? url.pathToFileURL(file).href : undefined),
  };
}

function noop(): void {}

/**
 * The Node options for a thread: undefined, inheriting the process's, unless
 * they hold one that only makes sense for the main script (`--input-type`
 * makes a thread's file entry fail to load; `-e`/`-p` name a script). Then
 * the rest, less what Node refuses in a worker's `execArgv` (V8 and
 * process-wide flags such as `--expose-gc` or `--max-old-space-size`, which
 * apply to every thread of the process anyway): Node names those in its
 * error, and the second try leaves them out.
 */
function threadExecArgv(argv: readonly string[], refused: readonly string[] = []): string[] | undefined {
  const args: string[] = [];
  let mainOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg.startsWith('--input-type')) {
      mainOnly = true;
      continue;
    }
    if (arg === '-e' || arg === '--eval' || arg === '-p' || arg === '--print') {
      mainOnly = true;
      i++;
      continue;
    }
    if (refused.includes(arg.split('=')[0] as string) || refused.includes(arg)) continue;
    args.push(arg);
  }
  return mainOnly ? args : undefined;
}
