// Helpers for the pool's tests (not built: test-*.ts is excluded from the package).

/** A promise with its resolve and reject at hand. */
export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolves after every pending microtask and one macrotask. */
export function turn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Gates: a handler whose jobs wait until the test opens their gate, by job
 * id. Records the order jobs started in and the most that ran at once.
 */
export class Gates {
  readonly started: string[] = [];
  running = 0;
  maxRunning = 0;
  readonly #gates = new Map<string, Deferred<unknown>>();

  gate(id: string): Deferred<unknown> {
    let gate = this.#gates.get(id);
    if (gate === undefined) {
      gate = deferred<unknown>();
      this.#gates.set(id, gate);
    }
    return gate;
  }

  /** The handler: waits for the job's gate; resolves with what it is opened with. */
  readonly handler = async (job: { id: string }): Promise<unknown> => {
    this.started.push(job.id);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      return await this.gate(job.id).promise;
    } finally {
      this.running--;
    }
  };

  open(id: string, value?: unknown): void {
    this.gate(id).resolve(value);
  }

  fail(id: string, error: unknown): void {
    this.gate(id).reject(error);
  }
}

/**
 * Collects unhandled promise rejections until `stop()`: through Node's
 * process event, or the browser's window event, so the tests run in both.
 */
export function trackUnhandledRejections(): { reasons: unknown[]; stop(): void } {
  const reasons: unknown[] = [];
  const node = (globalThis as { process?: { on?: unknown } }).process;
  if (node !== undefined && typeof node.on === 'function') {
    const listener = (reason: unknown): void => void reasons.push(reason);
    process.on('unhandledRejection', listener);
    return { reasons, stop: () => void process.off('unhandledRejection', listener) };
  }
  const listener = (event: PromiseRejectionEvent): void => void reasons.push(event.reason);
  globalThis.addEventListener('unhandledrejection', listener);
  return { reasons, stop: () => globalThis.removeEventListener('unhandledrejection', listener) };
}
