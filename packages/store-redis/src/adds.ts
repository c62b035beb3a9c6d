import { StoreUnavailableError, type NewStoredJob, type SubmitResult } from '@gochan/pool';
import { ClientOfflineError, ErrorReply } from '@redis/client';
import { ADD, FATE } from './scripts.js';

/*
 * The adds of a RedisStore: batched, and each answered only with what Redis
 * did. The rule (the README's "what each answer means"):
 *
 *  - 'added' / 'duplicate': the batch's script ran.
 *  - StoreUnavailableError 'offline' / 'stalled': nothing was sent, because
 *    the connection was down, or Redis had left a command unanswered for
 *    COMMAND_TIMEOUT_MS (no offline queue: node-redis would otherwise keep
 *    the command and run it on reconnection, after its caller was told it
 *    failed).
 *  - A batch sent and then cut off (the connection dropped before the
 *    answer) waits for its fate: once connected again, the FATE script says
 *    whether the batch ran (then its record gives each job's answer) or
 *    makes sure it never will (a tombstone the batch's own script checks
 *    first), and the jobs are answered 'withdrawn'. A batch that Redis
 *    simply has not answered (a SIGSTOP, a cut without a reset) waits for
 *    the answer: a late answer is the truth, a timeout would not be.
 *  - An error reply that says the script did not run (OOM, LOADING, BUSY)
 *    is StoreUnavailableError 'full' or 'busy'; any other is passed on.
 *
 * Invariants:
 *  - Each batch has a number (#batches), unique for this consumer; its
 *    record in `fates` is '<consumer>/<batch>'.
 *  - #forget holds the batches whose records may go: their answers reached
 *    the client. The next batch's script deletes them. A withdrawn batch's
 *    tombstone stays (its script may yet arrive on an old connection).
 */

/** What the adds need of their store. */
export interface AddsHost {
  readonly consumer: string;
  /** Runs a script; `watched`: false for a command that must wait for its answer, however long. */
  run<T>(script: string, args: readonly string[], watched: boolean): Promise<T>;
  /** Why a command sent now would not be answered in time, if so. */
  unavailable(): 'offline' | 'stalled' | undefined;
  /** The store's waiting count after an add (undefined: unknown), and a wake for the parked claims. */
  added(waiting: number | undefined): void;
  /** Tracks a promise that close() waits for. */
  track<T>(promise: Promise<T>): Promise<T>;
}

/** One add waiting for its batch. */
interface PendingAdd {
  readonly args: readonly [string, string, string];
  readonly id: string;
  readonly resolve: (result: SubmitResult) => void;
  readonly reject: (error: unknown) => void;
}

/** Jobs in one script call at most: a bigger batch is split, and the scripts pipelined. */
const CHUNK = 500;
/** How often a batch waiting for its fate asks again while Redis is unreachable. */
const FATE_RETRY_MS = 200;

export class Adds {
  readonly #host: AddsHost;
  #pending: PendingAdd[] = [];
  #scheduled = false;
  #batches = 0;
  #forget: number[] = [];
  /** Batches cut off and waiting for their fate, by number: close() gives up on them. */
  readonly #fates = new Map<number, PendingAdd[]>();
  #closed = false;

  constructor(host: AddsHost) {
    this.#host = host;
  }

  /** Batches sent whose fate is still unknown (the connection dropped before their answer). */
  get unsettled(): number {
    return this.#fates.size;
  }

  /** add queues a job for the batch that goes at the end of the current microtasks. */
  add(job: NewStoredJob): Promise<SubmitResult> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ args: [job.id, job.payload, job.deadline === undefined ? '' : String(job.deadline)], id: job.id, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      queueMicrotask(() => this.flush());
    });
  }

  /** Sends every add gathered, a script call per chunk; or refuses them all, unsent, if Redis cannot answer in time. */
  flush(): void {
    this.#scheduled = false;
    const adds = this.#pending;
    if (adds.length === 0) return;
    this.#pending = [];
    const why = this.#host.unavailable();
    if (why !== undefined) {
      for (const add of adds) add.reject(notSent(add.id, why));
      return;
    }
    for (let i = 0; i < adds.length; i += CHUNK) this.#send(adds.length <= CHUNK ? adds : adds.slice(i, i + CHUNK));
  }

  /** At close: the batches still waiting for their fate are answered with an error that says their fate is unknown. */
  close(): void {
    this.#closed = true;
    for (const [batch, adds] of this.#fates) {
      this.#fates.delete(batch);
      for (const add of adds) add.reject(new Error(`Job ${JSON.stringify(add.id)} may or may not be stored: the connection to Redis was lost with its add in flight, and the store was closed before Redis could say`));
    }
  }

  #send(adds: PendingAdd[]): void {
    const batch = ++this.#batches;
    const forget = this.#forget;
    this.#forget = [];
    const args = [this.#host.consumer, String(batch), String(forget.length), ...forget.map(String)];
    for (const add of adds) args.push(...add.args);
    void this.#host.track(this.#host.run<[number, number[], number]>(ADD, args, false)).then(
      ([ran, refused, waiting]) => {
        if (ran === 0) {
          // Withdrawn already: this batch's fate was asked on another connection before it arrived.
          this.#fates.delete(batch);
          for (const add of adds) add.reject(withdrawn(add.id));
          return;
        }
        this.#forget.push(batch);
        this.#host.added(waiting);
        settle(adds, refused);
      },
      (error: unknown) => {
        if (!(error instanceof ErrorReply) && error instanceof ClientOfflineError) {
          // node-redis refused to send it: the connection went down between the check and the send.
          this.#forget.push(...forget);
          for (const add of adds) add.reject(notSent(add.id, 'offline', error));
          return;
        }
        if (error instanceof ErrorReply) {
          this.#forget.push(...forget);
          const typed = refusedReply(error);
          for (const add of adds) add.reject(typed ?? error);
          return;
        }
        // The connection dropped with the batch in flight: Redis may or may not have run it.
        this.#forget.push(...forget);
        this.#fates.set(batch, adds);
        void this.#askFate(batch);
      },
    );
  }

  /** Asks Redis what became of a batch cut off, until it answers (each ask is idempotent), then answers its adds. */
  async #askFate(batch: number): Promise<void> {
    for (;;) {
      const adds = this.#fates.get(batch);
      if (adds === undefined || this.#closed) return;
      if (this.#host.unavailable() !== 'offline') {
        try {
          const [ran, csv] = await this.#host.run<[number, string]>(FATE, [this.#host.consumer, String(batch)], false);
          if (!this.#fates.delete(batch)) return;
          if (ran === 0) {
            for (const add of adds) add.reject(withdrawn(add.id));
          } else {
            this.#forget.push(batch);
            this.#host.added(undefined);
            settle(adds, csv === '' ? [] : csv.split(',').map(Number));
          }
          return;
        } catch {
          // Still unreachable: ask again.
        }
      }
      await new Promise((resolve) => setTimeout(resolve, FATE_RETRY_MS));
    }
  }
}

function settle(adds: readonly PendingAdd[], refused: readonly number[]): void {
  const marks = new Set(refused);
  for (let k = 0; k < adds.length; k++) adds[k]!.resolve(marks.size > 0 && marks.has(k + 1) ? 'duplicate' : 'added');
}

function notSent(id: string, why: 'offline' | 'stalled', cause?: unknown): StoreUnavailableError {
  const message =
    why === 'offline'
      ? `Job ${JSON.stringify(id)} was not stored: the connection to Redis is down (nothing was sent; submit it again later)`
      : `Job ${JSON.stringify(id)} was not stored: Redis has not answered for a while (nothing was sent; submit it again later)`;
  return new StoreUnavailableError(message, why, { retryAfterMs: 1_000, cause });
}

function withdrawn(id: string): StoreUnavailableError {
  return new StoreUnavailableError(
    `Job ${JSON.stringify(id)} was not stored: the connection to Redis was lost before its answer, and Redis has since confirmed that the add had not run, and never will`,
    'withdrawn',
    { retryAfterMs: 1_000 },
  );
}

/** An error reply that says the script did not run and a wait may help, typed; else undefined. */
function refusedReply(error: ErrorReply): StoreUnavailableError | undefined {
  const message = error.message;
  if (message.startsWith('OOM')) return new StoreUnavailableError(`Not stored: Redis is out of memory (${message})`, 'full', { retryAfterMs: 10_000, cause: error });
  if (/^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN)/.test(message)) {
    return new StoreUnavailableError(`Not stored: Redis cannot take writes yet (${message})`, 'busy', { retryAfterMs: 1_000, cause: error });
  }
  return undefined;
}
