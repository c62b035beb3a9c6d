/*
 * AlarmHeap: the min-heap of one clock's pending alarms, Go's per-P timer
 * heap (runtime/time.go: `siftupTimer`, `siftdownTimer`, `dodeltimer`).
 *
 * Invariants:
 *  - The heap is 4-ary, as Go's is: the parent of slot i is (i - 1) >> 2,
 *    its children 4i + 1 .. 4i + 4; no entry comes before its parent.
 *  - Entries are ordered by (due, seq): the earliest due first, and entries
 *    due at the same time in the order they were set (`seq` is unique within
 *    a heap, so the order is total and the head is never ambiguous).
 *  - `entry.index` is the entry's slot while it is in the heap and -1 once it
 *    has left: removing an entry from the middle (Go's `deltimer`), or moving
 *    it to a new due time (Go's `modtimer`), is O(log n) with no search.
 *  - Nothing is allocated per operation beyond the array's own growth.
 */

/** What the heap needs of an entry: its key, and a slot the heap keeps up to date. */
export interface HeapEntry {
  /** When the entry is due; the first key. */
  due: number;
  /** The order entries were set in; the second key, unique within one heap. */
  seq: number;
  /** The entry's slot in the heap, or -1 while it is not in one. */
  index: number;
}

/** Whether `a` is due before `b`: earlier, or due at the same time and set first. */
function before(a: HeapEntry, b: HeapEntry): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

/** AlarmHeap is a 4-ary min-heap of entries keyed by (due, seq), each entry knowing its slot. */
export class AlarmHeap<T extends HeapEntry> {
  /** The entries, in heap order. */
  private readonly items: T[] = [];

  /** How many entries are in the heap. */
  get size(): number {
    return this.items.length;
  }

  /** The entry due first, or undefined when the heap is empty. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Adds `entry`, which must not be in a heap already, keyed by its current due and seq. */
  push(entry: T): void {
    this.items.push(entry);
    this.up(entry, this.items.length - 1);
  }

  /** Takes out `entry`, which must be in this heap, wherever it is; its index becomes -1. */
  remove(entry: T): void {
    const items = this.items;
    const i = entry.index;
    entry.index = -1;
    const last = items.pop() as T;
    if (last === entry) return;
    // The last entry fills the hole, then moves up or down to where it belongs.
    this.fix(last, i);
  }

  /** Puts `entry`, whose key has just changed, back in order from slot `i` (its own, unless the heap is filling a hole there). */
  fix(entry: T, i: number = entry.index): void {
    if (i > 0 && before(entry, this.items[(i - 1) >> 2] as T)) this.up(entry, i);
    else this.down(entry, i);
  }

  /** Moves `entry` from slot `i` towards the root until its parent comes before it (Go's `siftupTimer`). */
  private up(entry: T, i: number): void {
    const items = this.items;
    while (i > 0) {
      const p = (i - 1) >> 2;
      const parent = items[p] as T;
      if (!before(entry, parent)) break;
      items[i] = parent;
      parent.index = i;
      i = p;
    }
    items[i] = entry;
    entry.index = i;
  }

  /** Moves `entry` from slot `i` towards the leaves until no child comes before it (Go's `siftdownTimer`). */
  private down(entry: T, i: number): void {
    const items = this.items;
    const n = items.length;
    for (;;) {
      let c = i * 4 + 1;
      if (c >= n) break;
      let child = items[c] as T;
      const end = c + 4 < n ? c + 4 : n;
      for (let k = c + 1; k < end; k++) {
        const other = items[k] as T;
        if (before(other, child)) {
          child = other;
          c = k;
        }
      }
      if (!before(child, entry)) break;
      items[i] = child;
      child.index = i;
      i = c;
    }
    items[i] = entry;
    entry.index = i;
  }
}
