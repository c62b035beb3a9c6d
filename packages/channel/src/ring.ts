/**
 * Ring is the fixed-size circular buffer behind a buffered channel (Go's
 * `hchan.buf` with `recvx`/`sendx`): O(1) put and take, no reallocation.
 *
 * Invariant: 0 <= length <= capacity; the values are at
 * slots[head], slots[head+1], ... (mod capacity); every other slot holds
 * `undefined`, so a taken value is not kept alive by the buffer.
 */
export class Ring<T> {
  /** The slots; allocated once, with the channel. */
  private readonly slots: (T | undefined)[];
  /** Index of the oldest value; meaningful only while length > 0. */
  private head = 0;
  /** Number of values held (Go's `qcount`). */
  length = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array<T | undefined>(capacity).fill(undefined);
  }

  /** Appends a value. The caller has checked that length < capacity. */
  put(value: T): void {
    let tail = this.head + this.length;
    if (tail >= this.capacity) tail -= this.capacity;
    this.slots[tail] = value;
    this.length++;
  }

  /** Removes and returns the oldest value. The caller has checked that length > 0. */
  take(): T {
    const head = this.head;
    const value = this.slots[head] as T;
    this.slots[head] = undefined;
    this.head = head + 1 === this.capacity ? 0 : head + 1;
    this.length--;
    return value;
  }
}
