import type { ExternalClaim } from '@gochan/channel';

/*
 * The one-shot claims of selects that wait on more than one thread: Go's
 * `selectDone`, as one 32-bit word of shared memory per select.
 *
 * Word layout: generation << 2 | state. A slot is reused by many selects in
 * turn; each use takes the next generation, and every reference to a claim
 * carries its generation, so a stale reference (a home that has not yet
 * heard that the select ran) fails its compare-and-swap instead of claiming
 * a later select that reuses the slot.
 *
 * Invariants:
 *  - OPEN -> BUSY -> DONE, or OPEN -> BUSY -> OPEN (unlock); nothing leaves DONE
 *    within a generation.
 *  - BUSY is held only across a few synchronous steps of one thread (locking
 *    a second claim in order, then committing), so waiting on it is a short spin.
 *  - `winners[slot]` is written before the commit that makes the claim DONE:
 *    the thread that ran the case, so that when a thread dies its peers know
 *    whether the value they wait for died with it.
 */

const OPEN = 0;
const BUSY = 1;
const DONE = 2;
const GENERATION_MASK = 0x1fffffff;

/** How many claims one thread can have waiting at once. */
export const SLOTS_PER_THREAD = 8192;
/** How many threads (the main thread included) can hold claims at once. */
export const MAX_THREADS = 256;

/** The shared words of every thread's claims, and who won each. Made once by the main thread. */
export interface ClaimMemory {
  readonly words: Int32Array;
  readonly winners: Int32Array;
}

/** Makes the claim memory for MAX_THREADS threads (2 × 8 MiB of shared memory, touched only where used). */
export function makeClaimMemory(): { words: SharedArrayBuffer; winners: SharedArrayBuffer } {
  const bytes = SLOTS_PER_THREAD * MAX_THREADS * Int32Array.BYTES_PER_ELEMENT;
  return { words: new SharedArrayBuffer(bytes), winners: new SharedArrayBuffer(bytes) };
}

/** SharedClaim is one generation of one slot: a select's one-shot claim, shared by the threads its cases wait on. */
export class SharedClaim implements ExternalClaim {
  private readonly open: number;

  constructor(
    private readonly memory: ClaimMemory,
    /** The slot; unique across threads, so it is also the lock order. */
    readonly slot: number,
    /** The generation this claim is of. */
    readonly generation: number,
    /** The thread that would run the case if this thread wins it. */
    private readonly thread: number,
  ) {
    this.open = (generation << 2) | OPEN;
  }

  /** Lock order: slots are unique across all threads (Go locks channels in address order). */
  get order(): number {
    return this.slot;
  }

  lock(): boolean {
    const words = this.memory.words;
    const busy = this.open | BUSY;
    for (;;) {
      const seen = Atomics.compareExchange(words, this.slot, this.open, busy);
      if (seen === this.open) return true;
      if (seen !== busy) return false; // DONE, or a later generation: the select has run
      // Another thread holds it between locking and committing: a few steps.
    }
  }

  commit(): void {
    Atomics.store(this.memory.winners, this.slot, this.thread);
    Atomics.store(this.memory.words, this.slot, this.open | DONE);
  }

  unlock(): void {
    Atomics.store(this.memory.words, this.slot, this.open);
  }

  /** Whether the claim was won, and by which thread: -1 while open. */
  winner(): number {
    const word = Atomics.load(this.memory.words, this.slot);
    if (word !== (this.open | DONE)) return word === this.open || word === (this.open | BUSY) ? -1 : -2;
    return Atomics.load(this.memory.winners, this.slot);
  }
}

/**
 * LocalClaim is the claim of an operation that only its home thread can
 * settle: a plain send or receive from another thread with no AbortSignal.
 * Its home withdraws it if the requesting thread dies.
 */
export class LocalClaim implements ExternalClaim {
  private state = OPEN;
  /** Ordered after every shared claim; never contended across threads. */
  readonly order: number;
  private static made = 0;

  constructor() {
    this.order = 0x40000000 + LocalClaim.made++;
  }

  lock(): boolean {
    if (this.state !== OPEN) return false;
    this.state = BUSY;
    return true;
  }

  commit(): void {
    this.state = DONE;
  }

  unlock(): void {
    this.state = OPEN;
  }
}

/** ClaimSlots hands out one thread's claim slots, each use a new generation. */
export class ClaimSlots {
  private readonly free: Int32Array = new Int32Array(SLOTS_PER_THREAD);
  private count = SLOTS_PER_THREAD;

  constructor(
    private readonly memory: ClaimMemory,
    /** Which range of slots is this thread's: its place among the threads holding claims. */
    range: number,
    private readonly thread: number,
  ) {
    const base = range * SLOTS_PER_THREAD;
    for (let i = 0; i < SLOTS_PER_THREAD; i++) this.free[i] = base + SLOTS_PER_THREAD - 1 - i;
  }

  /** A fresh claim, OPEN in a new generation. */
  take(): SharedClaim {
    if (this.count === 0) {
      throw new RangeError(`threads: more than ${SLOTS_PER_THREAD} operations of this thread wait with a signal or in a select across threads at once`);
    }
    const slot = this.free[--this.count] as number;
    const generation = ((Atomics.load(this.memory.words, slot) >>> 2) + 1) & GENERATION_MASK;
    Atomics.store(this.memory.words, slot, generation << 2);
    return new SharedClaim(this.memory, slot, generation, this.thread);
  }

  /** Returns a settled claim's slot; stale references to it fail by generation. */
  give(claim: SharedClaim): void {
    this.free[this.count++] = claim.slot;
  }
}

/** The claim that `slot` and `generation` name, as seen by another thread (`thread`: the one that would run the case). */
export function claimAt(memory: ClaimMemory, slot: number, generation: number, thread: number): SharedClaim {
  return new SharedClaim(memory, slot, generation, thread);
}
